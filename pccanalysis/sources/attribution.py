"""The attribution statements the sources' licences ask for, shown in every briefing's footer.

data.police.uk publishes under the Open Government Licence v3.0; ONS geography lookups and
population estimates are OGL too and contain Ordnance Survey data.

References
----------
Open Government Licence v3.0,
https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/;
ONS, "Licences", https://www.ons.gov.uk/methodology/geography/licences
"""

from __future__ import annotations

#: data.police.uk (and any other OGL public sector information).
OGL_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)
#: ONS lookups and population estimates.
ONS_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the OGL v3.0; contains OS data "
    "(c) Crown copyright and database right."
)
