// A table with virtual scrolling: a fixed row height, a spacer as tall as all rows, and only
// the rows in view (plus a few) in the DOM, re-rendered on scroll. ARIA table roles with
// aria-rowcount/aria-rowindex keep it readable by assistive technology.

const ROW_HEIGHT = 26;
const OVERSCAN = 4;

export class VirtualTable {
  /**
   * @param {HTMLElement} host where the table goes
   * @param {string} title the table's caption
   * @param {{label: string, get: (row, i) => string, align?: string}[]} columns
   * @param {number} viewportRows rows visible at once
   */
  constructor(host, title, columns, viewportRows = 10) {
    this.columns = columns;
    this.rows = [];
    this.host = host;
    const id = `${host.id}-caption`;
    host.innerHTML = '';
    const caption = document.createElement('h3');
    caption.id = id;
    caption.textContent = title;
    this.table = document.createElement('div');
    this.table.className = 'vtable';
    this.table.setAttribute('role', 'table');
    this.table.setAttribute('aria-labelledby', id);
    const head = document.createElement('div');
    head.setAttribute('role', 'rowgroup');
    head.className = 'vhead';
    head.append(this.makeRow(columns.map((c) => c.label), 1, 'columnheader'));
    this.body = document.createElement('div');
    this.body.className = 'vbody';
    this.body.tabIndex = 0;
    this.body.setAttribute('aria-label', `${title}, scrollable`);
    this.body.style.height = `${viewportRows * ROW_HEIGHT}px`;
    this.spacer = document.createElement('div');
    this.spacer.className = 'vspacer';
    this.window = document.createElement('div');
    this.window.setAttribute('role', 'rowgroup');
    this.window.className = 'vrows';
    this.spacer.append(this.window);
    this.body.append(this.spacer);
    this.table.append(head, this.body);
    this.count = document.createElement('p');
    this.count.className = 'note';
    host.append(caption, this.table, this.count);
    this.first = -1;
    this.last = -1;
    let queued = false;
    this.body.addEventListener('scroll', () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        this.render();
      });
    });
  }

  makeRow(cells, index, role = 'cell') {
    const row = document.createElement('div');
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(index));
    row.className = 'vrow';
    cells.forEach((text, i) => {
      const cell = document.createElement('div');
      cell.setAttribute('role', role);
      cell.className = `vcell ${this.columns[i].align ?? ''}`;
      cell.textContent = text;
      row.append(cell);
    });
    return row;
  }

  /** Shows a loading placeholder. */
  loading() {
    this.host.setAttribute('aria-busy', 'true');
  }

  setRows(rows, note = '') {
    this.host.setAttribute('aria-busy', 'false');
    this.rows = rows;
    this.table.setAttribute('aria-rowcount', String(rows.length + 1));
    this.spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.count.textContent = note || `${rows.length.toLocaleString('en-US')} records`;
    this.first = this.last = -1;
    this.body.scrollTop = 0;
    this.render();
  }

  render() {
    const top = this.body.scrollTop;
    const visible = Math.ceil(this.body.clientHeight / ROW_HEIGHT) || 10;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, first + visible + 2 * OVERSCAN);
    if (first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      frag.append(this.makeRow(this.columns.map((c) => c.get(this.rows[i], i)), i + 2));
    }
    this.window.replaceChildren(frag);
    this.window.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
  }
}
