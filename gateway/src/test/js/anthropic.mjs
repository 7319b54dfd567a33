// The official Anthropic TypeScript SDK against the gateway (driven by AnthropicSdkJsTest).
// env: BASE_URL, KEY_<n> (one funded key per case), prints one JSON object with what each case saw.
import Anthropic from '@anthropic-ai/sdk';

const client = (key) => new Anthropic({ apiKey: key, baseURL: process.env.BASE_URL, maxRetries: 0 });
const ask = (model) => ({ model, max_tokens: 100, system: 'be brief', messages: [{ role: 'user', content: 'ping from claude' }] });
const tools = [{ name: 'lookup', description: 'Looks a thing up',
                 input_schema: { type: 'object', properties: { query: { type: 'string' } } } }];
const text = (m) => m.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
const out = {};

for (const [i, model] of ['standin-claude', 'standin-gpt'].entries()) {
  const plain = await client(process.env[`KEY_${i * 4}`]).messages.create(ask(model));
  out[`${model}:plain`] = { text: text(plain), stop: plain.stop_reason, usage: plain.usage };

  const stream = client(process.env[`KEY_${i * 4 + 1}`]).messages.stream(ask(model));
  let deltas = 0;
  stream.on('text', () => { deltas += 1; });
  const final = await stream.finalMessage();
  out[`${model}:stream`] = { text: text(final), stop: final.stop_reason, usage: final.usage, deltas };

  const c = client(process.env[`KEY_${i * 4 + 2}`]);
  const first = await c.messages.create({ model, max_tokens: 200, tools,
                                          messages: [{ role: 'user', content: 'weather in Paris please' }] });
  const call = first.content.find((b) => b.type === 'tool_use');
  const second = await c.messages.create({ model, max_tokens: 200, tools, messages: [
    { role: 'user', content: 'weather in Paris please' },
    { role: 'assistant', content: first.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny' }] }] });
  out[`${model}:tools`] = { stop: first.stop_reason, name: call.name, input: call.input, usage: first.usage,
                            then: second.stop_reason, thenText: text(second) };

  const counted = await client(process.env[`KEY_${i * 4 + 3}`]).messages.countTokens(
    { model, system: 'be brief', messages: [{ role: 'user', content: 'ping from claude' }] });
  out[`${model}:count`] = counted;
}
console.log(JSON.stringify(out));
