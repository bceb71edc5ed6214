"""The parcours of a salarié·e en transition: its events and the state they fold into.

Each payload class is followed by its fold rule.  The rules here only refuse what
contradicts the state (two running contracts, a frein lifted twice...); the legal
rules (CDDI, PASS IAE, mise à disposition) live in :mod:`seve.rules`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
from attrs import field, frozen

from ._base import (
    FieldError,
    date_range,
    identifier,
    personal,
    positive_decimal,
    value_only,
)
from ._consent import MessagingConsents
from ._contracts import (
    CddiDerogation,
    Contract,
    ContractEndReason,
    PassIae,
    PassProlongation,
    PassSuspension,
)
from ._events import Event, StreamKind, event_type
from ._fold import Fold, refuse, refuse_duplicate
from ._ids import (
    ActionId,
    ContractId,
    FreinId,
    ObjectiveId,
    PmsmpId,
    PrescripteurId,
    SalarieId,
    SiaeId,
    StreamId,
)
from ._mediation import MediationFile
from ._offers import JobProject
from ._people import PersonalData, SituationAtEntry
from ._plan import Action, ActionStatus, Bilan, Frein, Objective, SuiviContact
from ._pmsmp import Pmsmp
from ._sorties import Sortie
from ._structures import SiaeKind

__all__ = [
    "PARCOURS",
    "ActionPlanned",
    "ActionStatusChanged",
    "BilanRecorded",
    "ContractEnd",
    "ContractEnded",
    "ContractRenewed",
    "ContractStarted",
    "ContractSuspended",
    "ContractSuspension",
    "Embauche",
    "FreinIdentified",
    "FreinLifted",
    "HoursWorked",
    "MonthlyHours",
    "ObjectiveDefined",
    "Parcours",
    "PassProlonged",
    "PassSuspended",
    "PersonalDataRecorded",
    "SortieRecorded",
    "SuiviContactRecorded",
]


@value_only
def _first_of_month(_inst: object, _attribute: Any, value: Any) -> None:
    if not isinstance(value, dt.date) or value.day != 1:
        raise FieldError(
            "format.mois", f"un mois s'écrit par son premier jour (AAAA-MM-01) : {value}"
        )


@frozen(kw_only=True)
class MonthlyHours:
    """Hours worked in one month under one contract (suivi mensuel ASP)."""

    month: dt.date = field(validator=_first_of_month)
    contract: ContractId = field(validator=identifier)
    hours: Decimal = field(validator=positive_decimal)


@frozen(kw_only=True)
class ContractEnd:
    """How and when a contract ended."""

    date: dt.date
    reason: ContractEndReason


@frozen(kw_only=True)
class ContractSuspension:
    """A period during which a contract is suspended (sick leave, PMSMP do *not* suspend)."""

    contract: ContractId
    start: dt.date
    end: dt.date


@frozen(kw_only=True)
class Parcours:
    """The state of one parcours, folded from its events (see :data:`PARCOURS`).

    Never built by hand: ``PARCOURS(events)`` or ``PARCOURS(events, until=day)``.
    """

    stream: StreamId
    version: int
    updated_at: dt.datetime
    salarie: SalarieId
    siae: SiaeId
    siae_kind: SiaeKind
    prescripteur: PrescripteurId | None
    situation: SituationAtEntry
    embauche: dt.date
    pass_iae: PassIae
    contracts: tuple[Contract, ...]
    personal: PersonalData | None = None
    contract_ends: Mapping[ContractId, ContractEnd] = field(factory=dict)
    contract_suspensions: tuple[ContractSuspension, ...] = ()
    hours: tuple[MonthlyHours, ...] = ()
    freins: Mapping[FreinId, Frein] = field(factory=dict)
    objectives: Mapping[ObjectiveId, Objective] = field(factory=dict)
    actions: Mapping[ActionId, Action] = field(factory=dict)
    bilans: tuple[Bilan, ...] = ()
    sortie: Sortie | None = None
    suivis: tuple[SuiviContact, ...] = ()
    pmsmps: Mapping[PmsmpId, Pmsmp] = field(factory=dict)
    job_project: JobProject | None = None
    mediation: MediationFile = field(factory=MediationFile)
    #: what the person agreed to receive, on which channel (see :mod:`seve.messaging`)
    messaging_consents: MessagingConsents = field(factory=MessagingConsents)

    @property
    def closed(self) -> bool:
        """Whether the sortie is recorded (only suivi may follow)."""
        return self.sortie is not None

    def contract(self, contract_id: ContractId) -> Contract | None:
        """The contract with this id, as it stands (renewals included)."""
        for contract in self.contracts:
            if contract.id == contract_id:
                return contract
        return None

    def running_contract(self, day: dt.date) -> Contract | None:
        """The contract that runs on ``day``, if any (ended contracts stop on their end)."""
        for contract in self.contracts:
            end = self.contract_end_date(contract)
            if contract.start <= day <= end:
                return contract
        return None

    def contract_end_date(self, contract: Contract) -> dt.date:
        """The last day of a contract: its early end if it ended, else its planned end."""
        ended = self.contract_ends.get(contract.id)
        return ended.date if ended is not None else contract.end

    @property
    def hours_worked(self) -> Decimal:
        """All hours declared so far, every contract together."""
        return sum((h.hours for h in self.hours), Decimal(0))

    @property
    def open_freins(self) -> tuple[Frein, ...]:
        return tuple(f for f in self.freins.values() if f.open)


#: The fold of parcours streams: ``PARCOURS(events)`` gives the :class:`Parcours`.
PARCOURS: Fold[Parcours] = Fold(StreamKind.PARCOURS, noun="le parcours")

_PARCOURS = StreamKind.PARCOURS


def _refuse_overlap(state: Parcours, new: Contract, *path: str) -> None:
    for contract in state.contracts:
        if contract.id == new.id:
            continue
        if contract.start <= new.end and new.start <= state.contract_end_date(contract):
            refuse(
                "contrat.chevauchement",
                f"le contrat {new.id} chevaucherait le contrat {contract.id} : "
                "un·e salarié·e n'a qu'un contrat à la fois avec la structure",
                *path,
            )


def _known_contract(state: Parcours, contract_id: ContractId) -> Contract:
    contract = state.contract(contract_id)
    if contract is None:
        refuse("contrat.inconnu", f"aucun contrat {contract_id} dans ce parcours", "contract")
    return contract


# -- embauche ------------------------------------------------------------------------------


@event_type("embauche", stream=_PARCOURS)
@frozen(kw_only=True)
class Embauche:
    """The salarié·e is hired by the SIAE: the parcours opens with its first contract."""

    salarie: SalarieId = field(validator=identifier)
    siae: SiaeId = field(validator=identifier)
    siae_kind: SiaeKind
    situation: SituationAtEntry
    pass_iae: PassIae
    contract: Contract
    #: who oriented the person is personal: a SPIP orientation reveals a justice history
    prescripteur: PrescripteurId | None = personal(
        default=None, validator=attrs.validators.optional(identifier)
    )


@PARCOURS.starts(Embauche)
def _embauche(event: Event[Embauche]) -> Parcours:
    p = event.payload
    return Parcours(
        stream=event.stream,
        version=0,
        updated_at=event.occurred_at,
        salarie=p.salarie,
        siae=p.siae,
        siae_kind=p.siae_kind,
        prescripteur=p.prescripteur,
        situation=p.situation,
        embauche=p.contract.start,
        pass_iae=p.pass_iae,
        contracts=(p.contract,),
    )


@event_type("personal_data_recorded", stream=_PARCOURS)
@frozen(kw_only=True)
class PersonalDataRecorded:
    """What identifies the person, recorded (or corrected) apart from every other fact.

    ``data`` is ``None`` once erased (right to erasure, retention: see
    :mod:`seve.privacy`): the event stays in the log, the person is no longer in it.
    """

    data: PersonalData | None


@PARCOURS.rule(PersonalDataRecorded, when_closed=True)
def _personal(state: Parcours, event: Event[PersonalDataRecorded]) -> Parcours:
    return attrs.evolve(state, personal=event.payload.data)


# -- contracts ------------------------------------------------------------------------------


@event_type("contract_started", stream=_PARCOURS)
@frozen(kw_only=True)
class ContractStarted:
    """A further contract in the same parcours (a new mission, a new mise à disposition)."""

    contract: Contract


@PARCOURS.rule(ContractStarted)
def _contract_started(state: Parcours, event: Event[ContractStarted]) -> Parcours:
    new = event.payload.contract
    refuse_duplicate(
        new.id, [c.id for c in state.contracts], "contrat.doublon", "le contrat", "contract", "id"
    )
    _refuse_overlap(state, new, "contract", "start")
    return attrs.evolve(state, contracts=(*state.contracts, new))


@event_type("contract_renewed", stream=_PARCOURS)
@frozen(kw_only=True)
class ContractRenewed:
    """A contract is renewed: its planned end moves to ``end``."""

    contract: ContractId = field(validator=identifier)
    end: dt.date
    derogation: CddiDerogation | None = None


@PARCOURS.rule(ContractRenewed)
def _contract_renewed(state: Parcours, event: Event[ContractRenewed]) -> Parcours:
    p = event.payload
    contract = _known_contract(state, p.contract)
    if p.contract in state.contract_ends:
        refuse("contrat.termine", f"le contrat {p.contract} est terminé", "contract")
    if p.end <= contract.end:
        refuse(
            "contrat.renouvellement_date",
            "le renouvellement doit repousser la fin du contrat "
            f"(au-delà du {contract.end:%d/%m/%Y})",
            "end",
        )
    renewed = attrs.evolve(contract, end=p.end, derogation=p.derogation or contract.derogation)
    _refuse_overlap(state, renewed, "end")
    contracts = tuple(renewed if c.id == p.contract else c for c in state.contracts)
    return attrs.evolve(state, contracts=contracts)


@event_type("contract_suspended", stream=_PARCOURS)
@frozen(kw_only=True)
class ContractSuspended:
    """A contract is suspended for a period (its reason may be sensitive: kept as a code)."""

    contract: ContractId = field(validator=identifier)
    start: dt.date
    end: dt.date = field(validator=date_range("start", "end"))


@PARCOURS.rule(ContractSuspended)
def _contract_suspended(state: Parcours, event: Event[ContractSuspended]) -> Parcours:
    p = event.payload
    contract = _known_contract(state, p.contract)
    if p.start < contract.start or p.end > state.contract_end_date(contract):
        refuse(
            "contrat.suspension_hors_contrat",
            f"la suspension doit rester dans les dates du contrat {contract.id}",
            "start",
        )
    suspension = ContractSuspension(contract=p.contract, start=p.start, end=p.end)
    return attrs.evolve(state, contract_suspensions=(*state.contract_suspensions, suspension))


@event_type("contract_ended", stream=_PARCOURS)
@frozen(kw_only=True)
class ContractEnded:
    """A contract ends (at its term or early); the sortie is a separate event."""

    contract: ContractId = field(validator=identifier)
    date: dt.date
    reason: ContractEndReason


@PARCOURS.rule(ContractEnded)
def _contract_ended(state: Parcours, event: Event[ContractEnded]) -> Parcours:
    p = event.payload
    contract = _known_contract(state, p.contract)
    if p.contract in state.contract_ends:
        refuse("contrat.termine", f"le contrat {p.contract} est déjà terminé", "contract")
    if not contract.start <= p.date <= contract.end:
        refuse(
            "contrat.fin_hors_contrat",
            f"la fin ({p.date:%d/%m/%Y}) doit tomber entre le début et le terme du contrat",
            "date",
        )
    ends = {**state.contract_ends, p.contract: ContractEnd(date=p.date, reason=p.reason)}
    return attrs.evolve(state, contract_ends=ends)


@event_type("hours_worked", stream=_PARCOURS)
@frozen(kw_only=True)
class HoursWorked:
    """Hours worked in a month under a contract, as declared to the ASP."""

    hours: MonthlyHours


@PARCOURS.rule(HoursWorked, when_closed=True)
def _hours_worked(state: Parcours, event: Event[HoursWorked]) -> Parcours:
    h = event.payload.hours
    contract = _known_contract(state, h.contract)
    first = contract.start.replace(day=1)
    if not first <= h.month <= state.contract_end_date(contract):
        refuse(
            "heures.hors_contrat",
            f"des heures en {h.month:%m/%Y} hors des dates du contrat {contract.id}",
            "hours",
            "month",
        )
    if any(x.month == h.month and x.contract == h.contract for x in state.hours):
        refuse(
            "heures.doublon",
            f"les heures de {h.month:%m/%Y} sont déjà déclarées pour le contrat {h.contract}",
            "hours",
            "month",
        )
    return attrs.evolve(state, hours=(*state.hours, h))


# -- PASS IAE ---------------------------------------------------------------------------------


@event_type("pass_suspended", stream=_PARCOURS)
@frozen(kw_only=True)
class PassSuspended:
    """The PASS IAE is suspended: its end date moves back by the suspension's length."""

    suspension: PassSuspension


@PARCOURS.rule(PassSuspended)
def _pass_suspended(state: Parcours, event: Event[PassSuspended]) -> Parcours:
    s = event.payload.suspension
    pass_ = state.pass_iae
    if s.start < pass_.start or s.start > pass_.end:
        refuse(
            "pass.suspension_hors_pass",
            f"la suspension doit commencer pendant la validité du PASS IAE "
            f"({pass_.start:%d/%m/%Y} - {pass_.end:%d/%m/%Y})",
            "suspension",
            "start",
        )
    if any(o.start <= s.end and s.start <= o.end for o in pass_.suspensions):
        refuse(
            "pass.suspension_chevauchement",
            "cette suspension chevauche une suspension déjà enregistrée",
            "suspension",
            "start",
        )
    new = attrs.evolve(
        pass_,
        end=pass_.end + dt.timedelta(days=s.days),
        suspensions=(*pass_.suspensions, s),
    )
    return attrs.evolve(state, pass_iae=new)


@event_type("pass_prolonged", stream=_PARCOURS)
@frozen(kw_only=True)
class PassProlonged:
    """The PASS IAE is prolonged from the day after its current end."""

    prolongation: PassProlongation


@PARCOURS.rule(PassProlonged)
def _pass_prolonged(state: Parcours, event: Event[PassProlonged]) -> Parcours:
    p = event.payload.prolongation
    pass_ = state.pass_iae
    expected = pass_.end + dt.timedelta(days=1)
    if p.start != expected:
        refuse(
            "pass.prolongation_debut",
            f"une prolongation commence le lendemain de la fin du PASS IAE ({expected:%d/%m/%Y})",
            "prolongation",
            "start",
        )
    new = attrs.evolve(pass_, end=p.end, prolongations=(*pass_.prolongations, p))
    return attrs.evolve(state, pass_iae=new)


# -- bilans, freins and the plan d'action ---------------------------------------------------


@event_type("bilan_recorded", stream=_PARCOURS)
@frozen(kw_only=True)
class BilanRecorded:
    """A bilan d'entrée, intermédiaire or de sortie."""

    bilan: Bilan


@PARCOURS.rule(BilanRecorded, when_closed=True)
def _bilan(state: Parcours, event: Event[BilanRecorded]) -> Parcours:
    b = event.payload.bilan
    refuse_duplicate(b.id, [x.id for x in state.bilans], "bilan.doublon", "le bilan", "bilan", "id")
    if state.closed and b.kind.value != "sortie":
        refuse(
            "evenement.apres_cloture",
            "après la sortie, seul le bilan de sortie peut encore être enregistré",
            "bilan",
            "kind",
        )
    return attrs.evolve(state, bilans=(*state.bilans, b))


@event_type("frein_identified", stream=_PARCOURS)
@frozen(kw_only=True)
class FreinIdentified:
    """A frein is identified with the person."""

    frein: Frein


@PARCOURS.rule(FreinIdentified)
def _frein_identified(state: Parcours, event: Event[FreinIdentified]) -> Parcours:
    f = event.payload.frein
    refuse_duplicate(f.id, state.freins, "frein.doublon", "le frein", "frein", "id")
    if f.lifted_on is not None:
        refuse("frein.deja_leve", "un frein s'identifie ouvert, puis se lève", "frein", "lifted_on")
    return attrs.evolve(state, freins={**state.freins, f.id: f})


@event_type("frein_lifted", stream=_PARCOURS)
@frozen(kw_only=True)
class FreinLifted:
    """A frein is lifted (on the day the event occurred), during an action that lifts it
    if ``action`` is given: SEVE lifts freins *while in action*, not beforehand."""

    frein: FreinId = field(validator=identifier)
    action: ActionId | None = field(default=None, validator=attrs.validators.optional(identifier))


@PARCOURS.rule(FreinLifted)
def _frein_lifted(state: Parcours, event: Event[FreinLifted]) -> Parcours:
    frein = state.freins.get(event.payload.frein)
    if frein is None:
        refuse("frein.inconnu", f"aucun frein {event.payload.frein} dans ce parcours", "frein")
    if not frein.open:
        refuse("frein.deja_leve", f"le frein {frein.id} est déjà levé", "frein")
    if event.day < frein.identified_on:
        refuse(
            "frein.levee_avant_identification",
            f"le frein {frein.id} ne peut être levé avant d'avoir été identifié "
            f"({frein.identified_on:%d/%m/%Y})",
            "frein",
        )
    if event.payload.action is not None:
        action = state.actions.get(event.payload.action)
        if action is None:
            refuse("action.inconnue", f"aucune action {event.payload.action}", "action")
        if frein.id not in action.freins:
            refuse(
                "action.frein_non_lie",
                f"l'action {action.id} n'est pas liée au frein {frein.id}",
                "action",
            )
    lifted = attrs.evolve(frein, lifted_on=event.day)
    return attrs.evolve(state, freins={**state.freins, frein.id: lifted})


@event_type("objective_defined", stream=_PARCOURS)
@frozen(kw_only=True)
class ObjectiveDefined:
    """An objective of the plan d'action, tied to freins of this parcours."""

    objective: Objective


@PARCOURS.rule(ObjectiveDefined)
def _objective(state: Parcours, event: Event[ObjectiveDefined]) -> Parcours:
    o = event.payload.objective
    refuse_duplicate(o.id, state.objectives, "objectif.doublon", "l'objectif", "objective", "id")
    for i, frein in enumerate(o.freins):
        if frein not in state.freins:
            refuse(
                "frein.inconnu", f"aucun frein {frein} dans ce parcours", "objective", "freins", i
            )
    return attrs.evolve(state, objectives={**state.objectives, o.id: o})


@event_type("action_planned", stream=_PARCOURS)
@frozen(kw_only=True)
class ActionPlanned:
    """An action of the plan d'action, for one of its objectives."""

    action: Action


@PARCOURS.rule(ActionPlanned)
def _action_planned(state: Parcours, event: Event[ActionPlanned]) -> Parcours:
    a = event.payload.action
    refuse_duplicate(a.id, state.actions, "action.doublon", "l'action", "action", "id")
    if a.objective not in state.objectives:
        refuse("objectif.inconnu", f"aucun objectif {a.objective}", "action", "objective")
    for i, frein in enumerate(a.freins):
        if frein not in state.freins:
            refuse("frein.inconnu", f"aucun frein {frein} dans ce parcours", "action", "freins", i)
    return attrs.evolve(state, actions={**state.actions, a.id: a})


@event_type("action_status_changed", stream=_PARCOURS)
@frozen(kw_only=True)
class ActionStatusChanged:
    """An action moves on: in progress, on standby, done, abandoned or cancelled."""

    action: ActionId = field(validator=identifier)
    status: ActionStatus


@PARCOURS.rule(ActionStatusChanged)
def _action_status(state: Parcours, event: Event[ActionStatusChanged]) -> Parcours:
    p = event.payload
    action = state.actions.get(p.action)
    if action is None:
        refuse("action.inconnue", f"aucune action {p.action}", "action")
    if action.status.closed:
        refuse(
            "action.close",
            f"l'action {p.action} est close ({action.status.label})",
            "status",
        )
    return attrs.evolve(
        state, actions={**state.actions, p.action: attrs.evolve(action, status=p.status)}
    )


# -- sortie and suivi dans l'emploi -------------------------------------------------------------


@event_type("sortie_recorded", stream=_PARCOURS)
@frozen(kw_only=True)
class SortieRecorded:
    """The sortie: the parcours in the SIAE ends, with its motif."""

    sortie: Sortie


@PARCOURS.rule(SortieRecorded)
def _sortie(state: Parcours, event: Event[SortieRecorded]) -> Parcours:
    s = event.payload.sortie
    if s.date < state.embauche:
        refuse("sortie.avant_embauche", "la sortie précède l'embauche", "sortie", "date")
    for contract in state.contracts:
        if state.contract_end_date(contract) > s.date:
            refuse(
                "sortie.contrat_en_cours",
                f"le contrat {contract.id} court encore après la sortie : "
                "enregistrez d'abord sa fin",
                "sortie",
                "date",
            )
    return attrs.evolve(state, sortie=s)


@event_type("suivi_contact_recorded", stream=_PARCOURS)
@frozen(kw_only=True)
class SuiviContactRecorded:
    """A suivi dans l'emploi contact, after the sortie."""

    contact: SuiviContact


@PARCOURS.rule(SuiviContactRecorded, when_closed=True)
def _suivi(state: Parcours, event: Event[SuiviContactRecorded]) -> Parcours:
    c = event.payload.contact
    if state.sortie is None or c.date < state.sortie.date:
        refuse(
            "suivi.avant_sortie",
            "le suivi dans l'emploi commence après la sortie",
            "contact",
            "date",
        )
    return attrs.evolve(state, suivis=(*state.suivis, c))
