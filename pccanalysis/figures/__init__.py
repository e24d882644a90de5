"""Charts for briefings: one house style and one module per indicator module.

:mod:`.style` holds the house style (colours, ``rc`` settings, :func:`~.style.new_figure`,
alt text, PNG and HTML rendering); :mod:`.axes` the drawing helpers the charts share; then one
module per :mod:`pccanalysis.indicators` module it draws: :mod:`.spc`, :mod:`.change`,
:mod:`.comparator`, :mod:`.targets`, :mod:`.counts` (shares), :mod:`.delivery_plan` (RAG
summary), :mod:`.funnel`, :mod:`.harm`, and :mod:`.maps` (hotspot maps). Import from the
submodule (``from pccanalysis.figures.spc import spc_chart``).

Every chart function takes an indicator's result (or its tidy frame), a ``title`` that states
the finding (written by :mod:`pccanalysis.narrative` and passed in: this package never imports
it), a ``source`` line, and returns a :class:`matplotlib.figure.Figure`. Figures are built with
``Figure()`` directly rather than through pyplot, so importing a chart module never changes the
matplotlib backend, nothing is kept in pyplot's figure registry, and rendering always uses the
non-interactive Agg canvas.
"""
