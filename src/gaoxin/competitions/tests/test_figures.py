"""The competition figures of the dashboard registry (issue 22 item 7) against hand-counted records: firms invited
and registered, coaching sessions, awards by track, financing raised after the award (follow-ups recorded)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.utils import timezone

from gaoxin.competitions import services
from gaoxin.competitions.models import FollowUp, Registration, RegistrationStatus
from gaoxin.dashboard import periods as P
from gaoxin.dashboard import selectors
from gaoxin.dashboard.figures import FIGURES
from gaoxin.dashboard.services import figures_refresh
from gaoxin.enterprises.tests.factories import EnterpriseFactory


def _at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def test_competition_figures_from_the_records(edition, science):
    october = dt.date(2026, 10, 12)
    tracks = {t.name: t for t in edition.tracks.all()}
    rows = []
    for n, (status, track) in enumerate((("checked", "高端装备制造"), ("checked", "新材料"), ("registered", "新材料"),
                                         ("invited", None))):
        firm = EnterpriseFactory(name=f"湘潭测试{n}有限公司", registered_on=dt.date(2019, 1, 1))
        rows.append(Registration.objects.create(edition=edition, enterprise=firm, group="growth",
                                                track=tracks.get(track), project="项目", status=status,
                                                invited_by=science,
                                                answered_at=_at(october) if status != "invited" else None))
    Registration.objects.update(invited_at=_at(dt.date(2026, 10, 5)))
    services.session_create(actor=science, edition=edition, kind="mock_roadshow", title="模拟路演", held_on=october,
                            participants=[r for r in rows if r.status != RegistrationStatus.INVITED])
    levels = list(edition.award_levels.all())
    for row, level in zip(rows[:2], levels, strict=False):
        award = services.award_record(actor=science, registration=row, level=level, awarded_on=dt.date(2026, 4, 10))
        FollowUp.objects.filter(award=award, months=6).update(recorded_on=october, financing=D(1500),
                                                             investor_contacts=2)
    figures_refresh(full=True, today=dt.date(2026, 11, 2))
    ours = [f for f in FIGURES if f.section == "competitions"]
    got = {v.figure.id: v.value for v in selectors.values(P.month(2026, 10), figures=ours)}
    assert got == {"competitions.candidates": 4, "competitions.registrations": 3, "competitions.sessions": 1,
                   "competitions.awards": 0, "competitions.financing": 3000.0}
    april = {v.figure.id: v.value for v in selectors.values(P.month(2026, 4), figures=ours)}
    assert april["competitions.awards"] == 2
    awards = next(f for f in ours if f.id == "competitions.awards")
    by_track = {label: value for _, label, value, *_ in selectors.breakdown(P.month(2026, 4), "category",
                                                                           figures=[awards])[awards.id]}
    assert by_track == {"高端装备制造": 1, "新材料": 1}
