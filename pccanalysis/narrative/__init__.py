"""Plain-English sentences built from indicator results, for board briefings.

One module per :mod:`pccanalysis.indicators` module it speaks for (:mod:`.change`,
:mod:`.spc`, :mod:`.targets`, :mod:`.comparator`, :mod:`.funnel`, :mod:`.harm`, :mod:`.gaps`,
:mod:`.repeats`, :mod:`.delivery_plan`) and :mod:`.words`, the word helpers they share. This is
the only layer that writes sentences; import from the submodule
(``from pccanalysis.narrative.spc import spc_sentence``).

Every sentence here is made from a result object of :mod:`pccanalysis.indicators` (never from
numbers typed into a notebook), and its direction word comes only from the result's verdict:

- ``"rose"`` / ``"fell"`` (the change is unlikely to be noise): "fell by 19.6%";
- ``"similar"``: "was similar (−2%)", with the signed change in brackets so nothing is hidden.

Numbers follow :mod:`pccanalysis.numbers` (UK style, commas, one decimal place, the minus sign
U+2212 for negatives, "almost 20%" only when honest). Every function returns plain text: the
briefing export escapes it, so a ward called "<Castle>" cannot inject markup. Titles for charts
are the same sentences without the counts and without the final full stop
(:func:`.words.as_title`).

Sentence forms, with the test that pins each one's exact text, are in ``tests/narrative/``.
"""
