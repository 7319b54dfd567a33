// The official openai npm package over every OpenAI endpoint of the gateway (driven by OpenAiEveryEndpointTest).
// env: BASE_URL, KEY_<case>; prints {case: {cost: <X-Routstr-Cost-Msats>, ...what the case saw}}.
import OpenAI, { toFile } from 'openai';

const c = (name) => new OpenAI({ apiKey: process.env[`KEY_${name}`], baseURL: `${process.env.BASE_URL}/v1`, maxRetries: 0 });
const out = {};
const seen = async (name, call, pick) => {
  const { data, response } = await call(c(name)).withResponse();
  out[name] = { cost: Number(response.headers.get('x-routstr-cost-msats')), ...pick(data) };
};
const msgs = [{ role: 'user', content: 'ping from node' }];

await seen('chat', (o) => o.chat.completions.create({ model: 'standin-gpt', messages: msgs }),
           (d) => ({ text: d.choices[0].message.content, usageCost: d.usage.cost.total_msats }));
{
  const s = await c('stream').chat.completions.create({ model: 'standin-gpt', messages: msgs, stream: true });
  let text = ''; let usageCost = -1;
  for await (const ch of s) {
    text += ch.choices[0]?.delta?.content ?? '';
    if (ch.usage) usageCost = ch.usage.cost.total_msats;
  }
  out.stream = { text, usageCost, cost: usageCost };
}
await seen('tools', (o) => o.chat.completions.create({ model: 'standin-gpt', messages: msgs, tools: [
  { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }] }),
  (d) => ({ tool: d.choices[0].message.tool_calls[0].function.name, finish: d.choices[0].finish_reason }));
await seen('completions', (o) => o.completions.create({ model: 'standin-gpt', prompt: 'ping from node' }),
           (d) => ({ text: d.choices[0].text }));
await seen('embeddings', (o) => o.embeddings.create({ model: 'standin-embed', input: 'hello embeddings' }),
           (d) => ({ n: d.data.length }));
await seen('images', (o) => o.images.generate({ model: 'standin-image', prompt: 'a cat', n: 2 }),
           (d) => ({ n: d.data.length }));
const wav = async () => toFile(Buffer.from('RIFF....WAVEfmt stand-in audio'), 'a.wav');
const f1 = await wav();
await seen('transcription', (o) => o.audio.transcriptions.create({ model: 'whisper-1', file: f1 }), (d) => ({ text: d.text }));
const f2 = await wav();
await seen('translation', (o) => o.audio.translations.create({ model: 'whisper-1', file: f2 }), (d) => ({ text: d.text }));
{
  const { data, response } = await c('speech').audio.speech.create({ model: 'tts-1', input: 'hello there', voice: 'alloy' })
    .withResponse();
  out.speech = { cost: Number(response.headers.get('x-routstr-cost-msats')),
                 text: Buffer.from(await data.arrayBuffer()).toString('utf8') };
}
await seen('responses', (o) => o.responses.create({ model: 'standin-gpt', input: 'ping from node' }),
           (d) => ({ text: d.output_text }));
await seen('moderations', (o) => o.moderations.create({ model: 'omni-moderation-latest', input: 'some text' }),
           (d) => ({ flagged: d.results[0].flagged }));
{
  const models = [];
  for await (const m of c('models').models.list()) models.push(m.id);
  out.models = { ids: models, cost: 0 };
}
console.log(JSON.stringify(out));
