// Prints the plain "N passed, N failed" closing line CI tooling reads, after jest's own summary.
class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    process.stdout.write(`\n${results.numPassedTests} passed, ${results.numFailedTests} failed\n`);
  }
}

module.exports = PlainSummaryReporter;
