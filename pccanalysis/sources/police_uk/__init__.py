"""data.police.uk: street-level crime, outcomes and stop-and-search, from files or the web.

Modules (import them directly; this package imports nothing, to keep ``pcc`` quick to start):

- :mod:`.schema`: what the publisher writes (file names, columns, crime types, forces), once;
- :mod:`.files`: finding the files in folders and zip archives;
- :mod:`.read` (with :mod:`.parse`): ``read_street``, ``read_outcomes``, ``read_stop_and_search``;
- :mod:`.national`: every force at once, as a Parquet dataset counted with Arrow;
- :mod:`.http`: the HTTP client (resumable downloads, retries, rate limit);
- :mod:`.download`: which archives a range of months needs, and extracting what was asked for;
- :mod:`.vintages`: revised months kept aside until chosen;
- :mod:`.api`: the street-level crime API.
"""
