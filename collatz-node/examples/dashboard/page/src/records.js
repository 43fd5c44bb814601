// The delay, glide and path record tables of the range shown (from /api/summary's records),
// each a VirtualTable.
import { VirtualTable } from './virtual-table.js';
import { formatBig, log2Decimal } from './bigmath.js';

export class Records {
  constructor(els, noteEl) {
    this.noteEl = noteEl;
    const idx = { label: '#', get: (_, i) => String(i + 1), align: 'num' };
    const n = { label: 'n', get: (r) => formatBig(r.n), align: 'num' };
    this.delay = new VirtualTable(els.delay, 'Delay records', [
      idx, n, { label: 'total steps', get: (r) => String(r.value), align: 'num' },
    ]);
    this.glide = new VirtualTable(els.glide, 'Glide records', [
      idx, n, { label: 'stopping time', get: (r) => String(r.value), align: 'num' },
    ]);
    this.path = new VirtualTable(els.path, 'Path records', [
      idx, n,
      { label: 'maximum', get: (r) => formatBig(r.value), align: 'num' },
      { label: 'bits', get: (r) => String(Math.floor(log2Decimal(String(r.value))) + 1), align: 'num' },
    ]);
  }

  loading() {
    for (const t of [this.delay, this.glide, this.path]) t.loading();
  }

  /** Fills the tables from a summary object (the CLI's `range --json --records`). */
  show(summary) {
    this.noteEl.textContent = '';
    this.delay.setRows(summary.delay_records ?? []);
    this.glide.setRows(summary.glide_records ?? []);
    this.path.setRows(summary.path_records ?? []);
  }

  unavailable(message) {
    this.noteEl.textContent = message;
    for (const t of [this.delay, this.glide, this.path]) t.setRows([], '—');
  }
}
