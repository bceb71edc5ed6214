"""Force de proposition: the open offers that fit a salarié·e, ranked, with the reasons.

The SIAE is *force de proposition*: it brings offers, contacts and immersions to the
person, who decides.  :func:`propose` compares each offer published on a day with the
person's :class:`~seve.model.JobProject` and says, in French, what fits and what is
missing.  There is no score hidden from staff: an offer ranks higher when fewer things
are missing, then when more fit; ties keep the order of the offers' ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Final

from attrs import frozen

from .model import JobProject, Offer, Parcours

__all__ = ["Proposal", "propose"]

#: How many leading characters of two ROME codes say they are in the same professional
#: domain (``N11`` for transport and logistics handling, say).
_DOMAIN: Final = 3


@frozen(kw_only=True)
class Proposal:
    """One offer proposed to the person.

    :param fits: why it fits, one line each (in French, for staff and the person).
    :param missing: what does not fit yet, one line each; empty for a full match.
    """

    offer: Offer
    fits: tuple[str, ...]
    missing: tuple[str, ...]


def propose(parcours: Parcours, offers: Iterable[Offer], *, on: dt.date) -> tuple[Proposal, ...]:
    """The offers published ``on`` that day, ranked for the salarié·e of ``parcours``.

    Offers the person was already proposed for (a mise en relation) are left out.
    Without a job project, every published offer comes with what is missing: the
    project itself.
    """
    already = {m.offer for m in parcours.mediation.mises_en_relation.values()}
    proposals = []
    for offer in sorted(offers, key=lambda o: o.id):
        if not offer.published_on(on) or offer.id in already:
            continue
        fits: list[str] = []
        missing: list[str] = []
        if parcours.job_project is None:
            missing.append("aucun projet professionnel défini dans le plan d'action")
        else:
            for fit, line in _criteria(parcours.job_project, offer):
                (fits if fit else missing).append(line)
        proposals.append(Proposal(offer=offer, fits=tuple(fits), missing=tuple(missing)))
    return tuple(sorted(proposals, key=lambda p: (len(p.missing), -len(p.fits))))


def _criteria(project: JobProject, offer: Offer) -> Iterator[tuple[bool, str]]:
    """Each criterion: whether the offer meets it, and the line that says so."""
    metier = f"{offer.title} ({offer.rome})"
    if offer.rome in project.metiers:
        yield True, f"métier visé : {metier}"
    elif any(offer.rome[:_DOMAIN] == m[:_DOMAIN] for m in project.metiers):
        yield True, f"métier proche d'un métier visé (domaine {offer.rome[:_DOMAIN]}) : {metier}"
    elif project.metiers:
        yield False, f"métier hors du projet : {metier}"
    if project.contracts:
        accepted = offer.contract in project.contracts
        yield accepted, f"contrat {'accepté' if accepted else 'non souhaité'} : {offer.contract}"
    hours = offer.weekly_hours
    if project.min_weekly_hours is not None and hours < project.min_weekly_hours:
        yield False, f"{hours} h par semaine, moins que les {project.min_weekly_hours} h souhaitées"
    elif project.max_weekly_hours is not None and hours > project.max_weekly_hours:
        yield False, f"{hours} h par semaine, plus que les {project.max_weekly_hours} h possibles"
    elif project.min_weekly_hours is not None or project.max_weekly_hours is not None:
        yield True, f"{hours} h par semaine, dans les horaires souhaités"
    if project.places:
        near = any(offer.postcode.startswith(place) for place in project.places)
        where = f"{offer.city} ({offer.postcode})"
        yield near, f"lieu {'dans' if near else 'hors de'} la zone de mobilité : {where}"
    for condition in sorted(offer.conditions):
        if condition in project.unavailable:
            yield False, f"exigence non remplie pour l'instant : {condition.label}"
