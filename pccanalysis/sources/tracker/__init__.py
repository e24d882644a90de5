"""The delivery-plan tracker: :mod:`.read` (the layouts and what is checked), :mod:`.model`,
:mod:`.layouts`, :mod:`.checks`, :mod:`.write`."""
