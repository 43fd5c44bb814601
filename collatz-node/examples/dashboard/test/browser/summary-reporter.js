// A Playwright reporter that ends the run with one plain line, `N passed, N failed` (skipped
// and timed-out tests named too when there are any), after the list reporter's output.
export default class SummaryReporter {
  constructor() {
    this.outcomes = new Map();
  }

  printsToStdio() {
    return true;
  }

  onTestEnd(test, result) {
    // the last attempt decides (retries)
    this.outcomes.set(test.id, result.status);
  }

  onEnd(result) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const status of this.outcomes.values()) {
      if (status === 'passed') passed++;
      else if (status === 'skipped') skipped++;
      else failed++;
    }
    const extra = skipped ? `, ${skipped} skipped` : '';
    const run = result.status === 'passed' ? '' : ` (run ${result.status})`;
    process.stdout.write(`\n${passed} passed, ${failed} failed${extra}${run}\n`);
  }
}
