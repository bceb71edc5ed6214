"""Indicators: hand-worked cases, the counting rules as data, plugins, comparisons."""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import sys
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import seve
from seve.hooks import Plugins, hookimpl
from seve.indicators import (
    BUILTIN,
    CountingRules,
    Digest,
    Evidence,
    Figure,
    FigureKind,
    Filters,
    IndicatorError,
    ReportingPeriod,
    before_after,
    compare,
    default_counting_rules,
    dialogue_de_gestion,
    read_log,
    report,
    reports,
)
from seve.indicators._collector import collector_paused
from seve.model import Event
from seve.partnerships import FactKind, facts
from seve.rules import replay

sys.path.insert(0, str(Path(__file__).parent))  # indicator_logs.py: see builders.py
from indicator_logs import d, event, in_order, parcours, structure, synthetic

Y2023 = ReportingPeriod.year(2023)


# -- periods, filters, counting rules --------------------------------------------------------


def test_periods() -> None:
    assert ReportingPeriod.quarter(2023, 4).end == dt.date(2023, 12, 31)
    assert ReportingPeriod.quarter(2024, 1).end == dt.date(2024, 3, 31)
    first, second = Y2023.split(dt.date(2023, 7, 1))
    assert (first.end, second.start) == (dt.date(2023, 6, 30), dt.date(2023, 7, 1))
    assert len(list(Y2023.months())) == 12
    with pytest.raises(IndicatorError) as caught:
        ReportingPeriod.between(dt.date(2023, 2, 1), dt.date(2023, 1, 1))
    assert caught.value.problems[0].code == "indicateurs.periode_invalide"
    with pytest.raises(IndicatorError):
        ReportingPeriod.quarter(2023, 5)


def test_the_counting_rules_are_versioned_data_and_overridable() -> None:
    rules = default_counting_rules()
    assert rules.version == "2024.1"
    assert rules.rule(seve.SiaeKind.ACI).months == 3
    assert rules.rule(seve.SiaeKind.ETTI).hours == Decimal(150)
    assert rules.rule(seve.SiaeKind.EITI).explain() == "toutes les sorties comptent"
    text = (Path(seve.__file__).parent / "data" / "sorties_examinees.toml").read_text()
    mine = CountingRules.from_toml(text.replace("months = 3", "months = 2", 1))
    assert mine.rule(seve.SiaeKind.ACI).months == 2
    with pytest.raises(IndicatorError) as caught:
        CountingRules.from_toml('version = "x"\nsource = "y"\n[kinds.aci]\nrule = "nope"\n')
    codes = {p.code for p in caught.value.problems}
    assert codes == {"indicateurs.regles_invalides"}
    assert len(caught.value.problems) == 5  # a bad rule, and four kinds missing


# -- hand-worked exits -------------------------------------------------------------------------


def _exits_log() -> list[Event[Any]]:
    return in_order(
        [
            *structure(),
            # hired 2 January: 3 months end on 1 April; a sortie that day is not examined
            *parcours("p-1", "2023-01-02", sortie="2023-04-01", motif=seve.SortieMotif.CDI),
            # one day more: examined, emploi durable
            *parcours("p-2", "2023-01-02", sortie="2023-04-02", motif=seve.SortieMotif.CDI),
            *parcours(
                "p-3",
                "2023-01-02",
                sortie="2023-09-15",
                motif=seve.SortieMotif.FORMATION_QUALIFIANTE,
            ),
            *parcours("p-4", "2023-01-02", sortie="2023-06-30", motif=seve.SortieMotif.CHOMAGE),
            # a retrait is never examined, however long the stay
            *parcours("p-5", "2023-01-02", sortie="2023-10-02", motif=seve.SortieMotif.DECES),
            # left in 2022: not in the year
            *parcours("p-6", "2022-03-01", sortie="2022-12-30", motif=seve.SortieMotif.CDI),
            # still there
            *parcours("p-7", "2023-05-02", months=8),
        ]
    )


def test_hand_worked_exits_of_an_aci() -> None:
    r = report(_exits_log(), Y2023)
    sorties = r.figure("sorties")
    assert sorties.value == 5
    assert sorties.part("sorties.emploi_durable").value == 2
    assert sorties.part("sorties.retrait").value == 1
    examined = r.figure("sorties_examinees")
    assert examined.value == 3
    assert [e.subject for e in examined.evidence] == [
        "parcours:p-2",
        "parcours:p-3",
        "parcours:p-4",
    ]
    dynamic = r.figure("taux_sortie_dynamique")
    assert (dynamic.numerator, dynamic.denominator, dynamic.value) == (2, 3, Decimal("0.6667"))
    durable = r.figure("taux_emploi_durable")
    assert (durable.numerator, durable.denominator) == (1, 3)
    assert r.figure("salaries_presents").value == 6
    assert r.figure("embauches").value == 6


def test_every_sortie_is_explained() -> None:
    log = _exits_log()
    (pack_report,) = reports(log, [Y2023])
    exits = {e.subject: e.note for e in pack_report.figure("sorties").evidence}
    assert exits["parcours:p-1"] == (
        "Embauche en CDI (hors IAE) : emploi durable ; sortie non examinée "
        "(séjour de 90 jours, pas plus de 3 mois)"
    )
    assert exits["parcours:p-5"].endswith("(un retrait n'est jamais compté)")
    # the events behind the figure: the embauche and the sortie of each person
    p2 = [
        e for e in log if e.stream == "parcours:p-2" and e.type in ("embauche", "sortie_recorded")
    ]
    evidence = next(
        e for e in pack_report.figure("sorties_examinees").evidence if e.subject == "parcours:p-2"
    )
    assert set(evidence.events) == {e.id for e in p2}


def test_ai_and_etti_exits_count_from_150_hours() -> None:
    log = in_order(
        [
            *structure("ai-1", seve.SiaeKind.AI),
            *parcours(
                "a-1", "2023-01-02", siae="ai-1", kind=seve.SiaeKind.AI, months=3,
                sortie="2023-03-31", hours=(("2023-01-01", 80), ("2023-02-01", 70)),
                motif=seve.SortieMotif.CDD_MOINS_6_MOIS,
            ),
            *parcours(
                "a-2", "2023-01-02", siae="ai-1", kind=seve.SiaeKind.AI, months=3,
                sortie="2023-03-31", hours=(("2023-01-01", 80), ("2023-02-01", 69.5)),  # type: ignore[arg-type]
            ),
        ]
    )  # fmt: skip
    r = report(log, Y2023)
    examined = r.figure("sorties_examinees")
    assert [e.subject for e in examined.evidence] == ["parcours:a-1"]
    assert examined.evidence[0].note is not None
    assert "150 h travaillées, au moins 150 h" in examined.evidence[0].note
    # the hours events are part of the provenance
    assert len(examined.evidence[0].events) == 4
    assert r.figure("heures_travaillees").value == Decimal("299.5")


def test_a_hosts_own_counting_rules_change_the_count() -> None:
    text = (Path(seve.__file__).parent / "data" / "sorties_examinees.toml").read_text()
    two_months = CountingRules.from_toml(text.replace("months = 3", "months = 2", 1))
    r = report(_exits_log(), Y2023, rules=two_months)
    assert r.figure("sorties_examinees").value == 4
    assert r.rules == "2024.1"


def test_filters_keep_structures_by_id_kind_and_territory() -> None:
    log = in_order(
        [
            *_exits_log(),
            *structure("ei-1", seve.SiaeKind.EI),
            *parcours("e-1", "2023-01-02", siae="ei-1", kind=seve.SiaeKind.EI, sortie="2023-06-30"),
        ]
    )
    digest = read_log(log)
    (everyone, aci, ei, redon, elsewhere) = (
        report(digest, Y2023, filters=f).figure("sorties").value
        for f in (
            Filters(),
            Filters(kinds=[seve.SiaeKind.ACI]),
            Filters(siaes=["ei-1"]),
            Filters(territories="Pays de Redon"),
            Filters(territories=["Ailleurs"]),
        )
    )
    assert (everyone, aci, ei, redon, elsewhere) == (6, 5, 1, 6, 0)


# -- SEVE's indicators, by hand ---------------------------------------------------------------


def _pmsmp(stream: str, key: str, host: str, start: str, end: str) -> list[Event[Any]]:
    convention = seve.PmsmpConvention(
        id=key,
        objective=seve.PmsmpObjective.DECOUVRIR,
        host=host,
        tutor="contact-1",
        start=d(start),
        end=d(end),
        schedule=seve.weekly_schedule(
            d(start), d(end), {0: [seve.Period(start="09:00", end="12:00")]}
        ),
        tasks=("Découverte",),
        excluded_uses=frozenset(seve.ForbiddenUse),
    )
    return [
        event(stream, d(start) - dt.timedelta(days=7), seve.PmsmpDrafted(convention=convention)),
        event(stream, start, seve.PmsmpStarted(convention=key), hour=8),
        event(
            stream,
            end,
            seve.PmsmpEnded(
                convention=key,
                bilan=seve.PmsmpBilan(outcome=seve.PmsmpOutcome.COMPLETED, objectives_reached=True),
            ),
            hour=18,
        ),
    ]


def _mediation_log() -> list[Event[Any]]:
    p1 = "parcours:m-1"
    mer = seve.MiseEnRelation(
        id="mer-1",
        offer="o-1",
        employer="emp-2",
        proposed_on=d("2023-04-03"),
        proposed_by="cip-lea",
    )
    return in_order(
        [
            *structure(),
            *parcours("m-1", "2023-02-01", months=10, sortie="2023-11-30", employer="emp-1",
                      motif=seve.SortieMotif.CDI),
            *_pmsmp(p1, "pm-1", "emp-1", "2023-03-06", "2023-03-17"),  # 33 days after
            *parcours("m-2", "2023-02-01", months=10),
            *_pmsmp("parcours:m-2", "pm-2", "emp-3", "2023-08-07", "2023-08-11"),  # 187 days
            *parcours("m-3", "2023-02-01", months=10),
            event(p1, "2023-04-03", seve.MiseEnRelationProposed(mise_en_relation=mer)),
            event(p1, "2023-04-10", seve.MiseEnRelationOutcomeRecorded(
                outcome=seve.MiseEnRelationOutcome(
                    mise_en_relation="mer-1", result=seve.MiseEnRelationResult.ENTRETIEN,
                    date=d("2023-04-10")))),
        ]
    )  # fmt: skip


def test_hand_worked_mediation_figures() -> None:
    r = report(_mediation_log(), Y2023)
    assert r.figure("pmsmp").value == 2
    ratio = r.figure("pmsmp_par_personne")
    assert (ratio.numerator, ratio.denominator, ratio.value) == (2, 3, Decimal("0.6667"))
    delay = r.figure("delai_premiere_mise_en_situation")
    assert [e.amount for e in delay.evidence] == [Decimal(33), Decimal(187)]
    assert delay.value == Decimal(110)
    assert delay.part("delai_premiere_mise_en_situation.4_a_12_semaines").value == 1
    assert delay.part("delai_premiere_mise_en_situation.plus_6_mois").value == 1
    assert delay.part("delai_premiere_mise_en_situation.aucune").value == 1
    # m-1 did a PMSMP with emp-1 in March, and left for a CDI there in November: not
    # within 6 months of the PMSMP's end (17 September at the latest)
    hired = r.figure("pmsmp_suivies_d_embauche")
    assert (hired.numerator, hired.denominator) == (0, 2)
    funnel = r.figure("mises_en_relation")
    assert funnel.value == 1
    assert funnel.part("mises_en_relation.entretien").value == 1
    assert funnel.part("mises_en_relation.embauche").value == 0


def test_a_pmsmp_followed_by_a_hire_with_the_host() -> None:
    log = [
        e
        for e in _mediation_log()
        if not (e.stream == "parcours:m-1" and e.type in ("contract_ended", "sortie_recorded"))
    ]
    log += parcours("m-1", "2023-02-01", months=10, sortie="2023-08-31", employer="emp-1")[-2:]
    r = report(in_order(log), Y2023)
    hired = r.figure("pmsmp_suivies_d_embauche")
    assert (hired.numerator, hired.denominator) == (1, 2)
    assert hired.part("pmsmp_suivies_d_embauche.accueil").value == 1
    assert "par l'entreprise d'accueil" in (hired.evidence[0].note or "")


# -- company events and Flash Info: only what took place counts -------------------------------


def _moment(key: str, kind: seve.CompanyEventKind, **fields: Any) -> seve.CompanyEvent:
    return seve.CompanyEvent(id=key, kind=kind, date=d("2023-05-10"), **fields)


def _agenda_log() -> list[Event[Any]]:
    """An ACI with one CIP and one salarié·e; three company events scheduled: one held
    (its record leaves out the employers and staff of the schedule, and says nothing
    true of its status: the fold keeps its own), one cancelled, one never held."""
    siae, visit = "siae:aci-1", seve.CompanyEventKind.VISITE_ENTREPRISE
    dating = seve.CompanyEventKind.JOB_DATING
    planned = {"employers": frozenset({"emp-1"}), "staff": frozenset({"cip-lea"})}
    cip = seve.StaffMember(id="cip-lea", siae="aci-1", name="Léa", roles={seve.StaffRole.CIP})
    return in_order(
        [
            *structure(),
            event(siae, "2023-01-02", seve.StaffMemberJoined(member=cip)),
            *parcours("m-1", "2023-02-01", months=10),
            event(siae, "2023-04-20", seve.CompanyEventScheduled(event=_moment(
                "ce-1", visit, invited=frozenset({"s-m-1"}), start="09:00", end="11:00",
                **planned))),
            event(siae, "2023-05-10", seve.CompanyEventHeld(event=_moment(
                "ce-1", visit, participants=frozenset({"s-m-1"}),
                status=seve.AgendaStatus.SCHEDULED)), hour=18),
            event(siae, "2023-04-21", seve.CompanyEventScheduled(event=_moment(
                "ce-2", dating, employers=frozenset({"emp-2"}), staff=frozenset({"cip-lea"})))),
            event(siae, "2023-05-02", seve.CompanyEventCancelled(event="ce-2", reason="grève")),
            event(siae, "2023-04-22", seve.CompanyEventScheduled(event=_moment(
                "ce-3", dating, employers=frozenset({"emp-3"}), staff=frozenset({"cip-lea"})))),
        ]
    )  # fmt: skip


def test_only_company_events_held_count() -> None:
    log = _agenda_log()
    replay([e for e in log if e.stream == "siae:aci-1"])  # a log the fold accepts
    ce1 = [
        e.id
        for e in log
        if e.type in ("company_event_scheduled", "company_event_held")
        and e.payload.event.id == "ce-1"
    ]
    r = report(log, Y2023)
    events = r.figure("evenements_entreprise")
    assert events.value == 1
    (item,) = events.evidence
    assert (item.subject, item.events) == ("company_event:ce-1", tuple(sorted(ce1)))
    # the employers and the staff of ce-1 come from its schedule
    active = r.figure("entreprises_actives")
    assert [e.subject for e in active.evidence] == ["employer:emp-1"]
    team = r.figure("implication_equipe")
    assert (team.numerator, team.denominator) == (1, 1)
    delay = r.figure("delai_premiere_mise_en_situation")
    assert [e.amount for e in delay.evidence] == [Decimal(98)]  # the visit, 10 May
    found = [(f.kind, f.employer, f.events) for f in facts(log)]
    assert found == [(FactKind.VISIT, "emp-1", tuple(sorted(ce1)))]
    assert facts(reversed(log)) == facts(log)


def test_no_indicator_counts_flash_info() -> None:
    log = _agenda_log()
    siae = "siae:aci-1"

    def session(key: str, **fields: Any) -> seve.FlashInfo:
        return seve.FlashInfo(id=key, date=d("2023-06-06"), led_by="cip-lea",
                              topics=("Les métiers du BTP",), employers=frozenset({"emp-4"}),
                              **fields)  # fmt: skip

    flash = [
        event(siae, "2023-06-01", seve.FlashInfoScheduled(session=session("fi-1"))),
        event(siae, "2023-06-02", seve.FlashInfoCancelled(session="fi-1")),
        event(siae, "2023-06-06", seve.FlashInfoHeld(
            session=session("fi-2", present=frozenset({"s-m-1"})))),
    ]  # fmt: skip
    replay([e for e in in_order(log + flash) if e.stream == siae])
    assert report(in_order(log + flash), Y2023).figures == report(log, Y2023).figures


# -- plugins ---------------------------------------------------------------------------------


class HoursOver:
    """A fold: hours_worked events of the period."""

    code = "exemple.declarations_heures"
    label = "Déclarations d'heures"

    def start(self) -> int:
        return 0

    def step(self, acc: int, event: Event[Any]) -> int:
        return acc + (event.type == "hours_worked")

    def finish(self, acc: int) -> int:
        return acc


class Women:
    """A digest indicator with its evidence."""

    code = "exemple.rqth"
    label = "Salarié·es RQTH présent·es"

    def figure(self, digest: Digest, context: Any) -> Figure:
        items = [
            Evidence(subject=p.stream, events=[p.embauche_event] if p.embauche_event else [])
            for p in digest.selected_parcours(context.filters)
            if p.present_during(context.period) and p.situation and p.situation.rqth
        ]
        return Figure(
            code=self.code, label=self.label, kind=FigureKind.COUNT, value=len(items),
            evidence=items,
        )  # fmt: skip


class Broken:
    code = "exemple.casse"
    label = "Cassé"

    def figure(self, digest: Digest, context: Any) -> Figure:
        raise RuntimeError("bug")


class ExamplePlugin:
    @hookimpl
    def seve_register_indicators(self) -> Any:
        return [HoursOver(), Women(), Broken()]


def test_a_plugin_indicator_appears_in_every_report() -> None:
    plugins = Plugins(entry_points=False)
    plugins.register(ExamplePlugin(), "exemple")
    log = synthetic(1)
    r22, r23 = reports(log, [ReportingPeriod.year(2022), Y2023], plugins=plugins)
    for r in (r22, r23):
        assert r.codes[: len(BUILTIN)] == tuple(b.code for b in BUILTIN)
        assert r.codes[len(BUILTIN) :] == ("exemple.declarations_heures", "exemple.rqth")
        assert r.figure("exemple.rqth").origin == "exemple"
        assert r.failures == ("exemple : exemple.casse : RuntimeError: bug",)
    in_2023 = sum(e.type == "hours_worked" and e.day.year == 2023 for e in log)
    assert r23.figure("exemple.declarations_heures").value == in_2023
    assert any(f.plugin == "exemple" and f.hook == "seve_register_indicators"
               for f in plugins.failures)  # fmt: skip
    pack = dialogue_de_gestion(log, 2023, plugins=plugins)
    assert pack.report.figure("exemple.declarations_heures").value == in_2023
    assert "exemple.rqth" in compare(r22, r23).lines()[-1] or any(
        c.code == "exemple.rqth" for c in compare(r22, r23).changes
    )


# -- comparisons ------------------------------------------------------------------------------


def test_comparison_between_two_years_in_french() -> None:
    r22, r23 = reports(synthetic(2), [ReportingPeriod.year(2022), Y2023])
    comparison = compare(r22, r23)
    before, after = r22.figure("pmsmp").value, r23.figure("pmsmp").value
    assert isinstance(before, int)
    assert isinstance(after, int)
    assert before > 0
    factor = f"{Decimal(after) / Decimal(before):.1f}".replace(".", ",")
    assert str(comparison.change("pmsmp")) == f"PMSMP : {before} -> {after} (x{factor})"
    assert str(comparison.change("taux_emploi_durable")).endswith(" points)")


def test_before_and_after_joining_seve() -> None:
    before, after = before_after(dt.date(2023, 3, 1))
    assert (before.start, before.end) == (dt.date(2022, 3, 1), dt.date(2023, 2, 28))
    assert (after.start, after.end) == (dt.date(2023, 3, 1), dt.date(2024, 2, 29))
    assert after.label == "avec SEVE (12 mois)"


# -- the dialogue de gestion pack ------------------------------------------------------------


def test_the_pack_explains_every_exit_and_breaks_down_the_public() -> None:
    situation = seve.SituationAtEntry(
        age_band=seve.AgeBand.FROM_50_TO_56,
        education=seve.EducationLevel.INFRA_3,
        jobless=seve.JoblessDuration.UNDER_6_MONTHS,
        minima_sociaux=frozenset({seve.MinimumSocial.RSA, seve.MinimumSocial.AAH}),
        rqth=True,
        qpv=True,
    )
    log = in_order(
        [*_exits_log(), *parcours("p-8", "2023-02-01", situation=situation, sortie="2023-12-01")]
    )
    pack = dialogue_de_gestion(log, 2023)
    assert [c.parcours for c in pack.exits][-1] == "parcours:p-8"
    assert all(c.explanation for c in pack.exits)
    rows = {(r.dimension, r.modality): r for r in pack.breakdowns}
    assert rows[("minima_sociaux", "rsa")].present == 1
    assert rows[("minima_sociaux", "aah")].examined == 1
    assert rows[("minima_sociaux", "aucun")].present == 6
    assert rows[("rqth", "oui")].durable == 1
    assert rows[("age", "50-56")].hired == 1
    assert {r.dimension for r in pack.breakdowns} == {
        "minima_sociaux", "rqth", "qpv", "zrr", "age", "niveau_formation", "duree_sans_emploi",
    }  # fmt: skip


# -- conventions (seve.partnerships) ----------------------------------------------------------


def test_conventions_and_their_fulfilment_come_from_partnerships() -> None:
    employer = "employer:emp-1"
    company = seve.Company(
        id="emp-1", siret="73282932000074", name="Boulangerie Martin", naf="10.71C",
        size=seve.SizeBand.TPE,
    )  # fmt: skip
    convention = seve.PartnershipConvention(
        id="conv-1",
        employer="emp-1",
        siaes=frozenset({"aci-1"}),
        start=d("2023-01-01"),
        end=d("2023-12-31"),
        company=seve.CompanyCommitments(pmsmp=4, hires=1),
        title="Convention 2023",
    )
    log = in_order(
        [
            *_mediation_log(),
            event(employer, "2022-06-01", seve.CompanyRegistered(company=company)),
            event(employer, "2022-12-01", seve.ConventionDrafted(convention=convention)),
            event(employer, "2022-12-02", seve.ConventionSigned(
                convention="conv-1", party="emp-1", signatory="M. Martin, gérant")),
            event(employer, "2022-12-02", seve.ConventionSigned(
                convention="conv-1", party="aci-1", signatory="Mme Durand, directrice")),
            event(employer, "2023-01-02", seve.ConventionActivated(convention="conv-1")),
        ]
    )  # fmt: skip
    r = report(log, Y2023)
    conventions = r.figure("conventions")
    assert conventions.value == 1
    assert conventions.part("conventions.pmsmp_engagees").value == 4
    assert conventions.part("conventions.pmsmp_realisees").value == 1  # pm-1, with emp-1
    assert conventions.part("conventions.behind").value == 1
    assert "PMSMP accueillies 1/4" in (conventions.evidence[0].note or "")


# -- the properties on synthetic logs are in test_indicators_properties.py -----------------


def test_median_is_the_median_of_the_evidence() -> None:
    r = report(synthetic(3), Y2023)
    delay = r.figure("delai_premiere_mise_en_situation")
    amounts = [e.amount for e in delay.evidence if e.amount is not None]
    assert amounts
    assert delay.value == Decimal(str(statistics.median(amounts)))


# -- the garbage collector ---------------------------------------------------------------


def test_the_pass_runs_with_the_collector_paused_and_restores_it() -> None:
    seen: list[bool] = []

    def watched() -> Any:
        for e in synthetic(1):
            seen.append(gc.isenabled())
            yield e

    assert gc.isenabled()
    r = report(watched(), Y2023)
    assert r.events == len(seen) > 0
    assert not any(seen)
    assert gc.isenabled()


def test_a_pause_nests_and_never_switches_on_a_collector_that_was_off() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_pauses_overlapping_in_threads_leave_the_collector_on() -> None:
    inside, leave = threading.Barrier(3), threading.Event()

    def pause() -> None:
        with collector_paused():
            inside.wait()
            leave.wait()

    threads = [threading.Thread(target=pause) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    assert not gc.isenabled()
    leave.set()
    for t in threads:
        t.join()
    assert gc.isenabled()
