"""Benchmarks of socioaffective against their physical floors (issue 6).

Run them with ``make bench`` or ``python -m benchmarks [--sizes 1000,10000,100000]
[--repeat N] [--quick]``. Every figure is printed beside its floor, measured
in the same run, and the results (machine, versions, date, median and spread
of repeated runs) are written to ``benchmarks/results.json``, which the
book's Performance page shows.

Modules:

- :mod:`benchmarks.generate` - synthetic frameworks in the real format;
- :mod:`benchmarks.engine` - load, validate, graph, cache, memory, look-ups,
  the ``validate`` command;
- :mod:`benchmarks.book` - graph layout, the explorer in headless Chromium,
  page weight, full and incremental book builds;
- :mod:`benchmarks.report` - figures, targets, the table and results.json;
- :mod:`benchmarks.__main__` - the runner.

Generated frameworks and books live in a temporary folder, never in the
repository. The benchmarks are not timed tests: ``make test`` runs this code
on tiny sizes and checks only that it works.
"""
