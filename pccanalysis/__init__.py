"""pccanalysis: loaders, indicators and briefings for Police and Crime Commissioners' offices.

The data flows one way: ``sources`` (files -> tidy frames + DataQuality) -> ``indicators``
(pure functions) -> ``figures`` / ``narrative`` (presentation) -> notebooks -> ``report``
(papermill + nbconvert) -> ``cli``.

pccanalysis is used from a source checkout installed with ``pip install -e .`` (``make`` does
this): the briefing notebooks live in the checkout's top-level ``notebooks/``, which ``pcc run``
and ``pcc lab`` use; ``pcc run --notebooks-dir`` names another folder.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pccanalysis")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
