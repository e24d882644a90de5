"""Indicator calculations: pure functions from tidy frames to tidy frames or small results.

Import what you need from its module (nothing is re-exported here, so importing the package
stays cheap):

- :mod:`.counts`: counts by period and group, shares of a total, rates per 1,000 people.
- :mod:`.significance`: exact tests and intervals for Poisson counts.
- :mod:`.change`: change between two periods with a verdict ("rose", "fell", "similar").
- :mod:`.comparator`: a local change against a national or peer change.
- :mod:`.gaps`: publication-gap detection (the caveats' words are :mod:`pccanalysis.narrative`).
- :mod:`.disclosure`: small-number suppression for published tables.
- :mod:`.harm`: harm index from user-supplied weights.
- :mod:`.spc`, :mod:`.targets`, :mod:`.repeats`: SPC (Making Data Count), targets, repeat
  victimisation.
"""
