// A small SVG bar chart (fixed height, so nothing moves when data arrives): one bar per bucket, a few y ticks, x labels.
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs, ...kids) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  kids.forEach(k => el.append(k instanceof Node ? k : document.createTextNode(String(k))));
  return el;
}

function nice(max) {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 2.5, 5, 10].map(m => m * p).find(v => v >= max);
}

/**
 * points: [{label, value, title}]; format: value → tick text. Returns a figure with the SVG and a text summary for
 * screen readers.
 */
export function barChart(title, points, format, tick = format) {
  const W = 600, H = 180, L = 48, B = 22, T = 8;
  const max = nice(Math.max(0, ...points.map(p => p.value)));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title });
  for (let i = 0; i <= 4; i++) {
    const y = T + (H - B - T) * (1 - i / 4);
    svg.append(s('line', { x1: L, x2: W, y1: y, y2: y, class: 'grid' }),
      s('text', { x: L - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, tick(max * i / 4)));
  }
  const n = Math.max(points.length, 1);
  const step = (W - L) / n;
  const every = Math.ceil(n / 8);
  points.forEach((p, i) => {
    const bh = (H - B - T) * (p.value / max);
    const x = L + i * step + step * 0.15;
    svg.append(s('rect', { x, y: H - B - bh, width: Math.max(step * 0.7, 1), height: Math.max(bh, 0), class: 'col' },
      s('title', {}, `${p.title || p.label}: ${format(p.value)}`)));
    if (i % every === 0) {
      svg.append(s('text', { x: L + i * step + step / 2, y: H - 6, class: 'tick', 'text-anchor': 'middle' }, p.label));
    }
  });
  const total = points.reduce((a, p) => a + p.value, 0);
  return h('figure.chart-box', h('figcaption', h('span', title), h('span.total', format(total))), svg);
}
