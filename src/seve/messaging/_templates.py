"""seve's French templates, one per message it knows how to write.

The texts are data, in ``templates.toml`` next to this module: one table per
template, the same tables :func:`~seve.messaging.load_templates` reads for the
overrides, with who each template is for, its purpose, a description and a
``sample``.  Placeholders are French words: the people who adapt these texts are
SIAE staff.  Each template's ``sample`` names its placeholders and gives the values
of its preview (``seve messages preview NAME``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any, Final

from ..audience import Audience
from ..model import MessagePurpose
from ._render import Template, Templates

__all__ = [
    "CONVENTION_RENEWAL",
    "CONVENTION_SIGNATURE",
    "DEFAULT_TEMPLATES",
    "FLASH_INFO_INVITATION",
    "OFFER_BROADCAST",
    "PMSMP_SALARIE",
    "PMSMP_TUTOR",
    "SUCCESS_STORY",
    "SUIVI_CHECKIN",
]


def _read(tables: Mapping[str, Any]) -> Iterator[Template]:
    """The templates of ``templates.toml``: every table but ``commun``, whose values
    every sample also holds."""
    common = tables["commun"]
    for name, table in tables.items():
        if name == "commun":
            continue
        parts = dict(table)
        yield Template(
            name=name,
            audience=Audience.from_code(parts.pop("audience")),
            purpose=MessagePurpose.from_code(parts.pop("purpose")),
            sample={**parts.pop("sample"), **common},
            **parts,
        )


#: Every template of seve, by name; override them with :meth:`Templates.override`
#: or :func:`~seve.messaging.load_templates`.
DEFAULT_TEMPLATES: Final = Templates.of(
    _read(tomllib.loads(resources.files(__package__).joinpath("templates.toml").read_text("utf-8")))
)

OFFER_BROADCAST: Final = DEFAULT_TEMPLATES["offre.diffusion"]
PMSMP_SALARIE: Final = DEFAULT_TEMPLATES["pmsmp.rappel_salarie"]
PMSMP_TUTOR: Final = DEFAULT_TEMPLATES["pmsmp.rappel_tuteur"]
CONVENTION_SIGNATURE: Final = DEFAULT_TEMPLATES["convention.signature"]
CONVENTION_RENEWAL: Final = DEFAULT_TEMPLATES["convention.renouvellement"]
SUIVI_CHECKIN: Final = DEFAULT_TEMPLATES["suivi.prise_de_nouvelles"]
SUCCESS_STORY: Final = DEFAULT_TEMPLATES["valorisation.belle_histoire"]
FLASH_INFO_INVITATION: Final = DEFAULT_TEMPLATES["flash_info.invitation"]
