"""Thin views: the gate first, then services, then a template.

Person-scoped POST-only views check access before the method, so a request
without a basis is refused and logged whatever its method (hpl § 21a).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helhet.access import gate
from helhet.access.models import Action
from helhet.cooperation import access, rules, services
from helhet.cooperation.forms import (
    ActionItemForm,
    AgreementForm,
    DecisionFollowUpForm,
    DirectoryEntryForm,
    ForumDecisionForm,
    ForumForm,
    ForumMeetingForm,
    FrequencyForm,
    ItemStatusForm,
    MeetingForm,
    MemberForm,
    MessageForm,
    MinutesForm,
    RoutineForm,
    SubAgreementForm,
)
from helhet.cooperation.models import (
    ActionItem,
    Attachment,
    CooperationAgreement,
    CooperationRoutine,
    DirectoryEntry,
    Forum,
    ForumDecision,
    ForumMeeting,
    GroupMember,
    Meeting,
    ResponsibilityGroup,
    SubAgreement,
)
from helhet.offers import services as offer_services
from helhet.organisation.models import ExternalPartner, Municipality, Unit
from helhet.organisation.services import roles_of


def _staff(request):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("Denne siden er for ansatte i kommunen."))
    return staff


def _manager(request):
    staff = _staff(request)
    if not rules.can_manage(roles_of(user=request.user)):
        raise PermissionDenied(
            _("Bare koordinerende enhet, ledere og kvalitetsansvarlige kan endre dette.")
        )
    return staff


# --- Hub


@login_required
def index(request):
    staff = _staff(request)
    today = timezone.localdate()
    mine = Q(members__user=request.user, members__left_on__isnull=True) | Q(
        person__coordinator_assignments__coordinator=request.user,
        person__coordinator_assignments__ended_on__isnull=True,
    )
    groups = list(
        ResponsibilityGroup.objects.filter(mine, person__in=gate.accessible_persons(request.user))
        .select_related("person")
        .distinct()
        .order_by("person__family_name", "person__given_name")
    )
    # The list shows names only: logged as basic data, the category shown.
    gate.log_many(
        request.user,
        [g.person for g in groups],
        Action.LIST,
        what="mine ansvarsgrupper",
        category=gate.BASIC,
    )
    return render(
        request,
        "cooperation/index.html",
        {
            "groups": groups,
            "stale_owned": services.stale_entries_owned_by(user=request.user, today=today),
            "municipality": staff.municipality,
        },
    )


# --- Service directory


@login_required
def directory(request):
    staff = _staff(request)
    today = timezone.localdate()
    query = request.GET.get("q", "").strip()[:100]
    rows = services.directory_rows(municipality=staff.municipality, today=today, query=query)
    services.mark_editable(rows=rows, user=request.user)
    return render(
        request,
        "cooperation/directory.html",
        {
            "rows": rows,
            "query": query,
            "stale_owned": services.stale_entries_owned_by(user=request.user, today=today),
            "stale_count": sum(r.stale for r in rows),
            "missing_count": sum(r.entry is None for r in rows),
            "offers": offer_services.directory_offers(municipality=staff.municipality, query=query),
        },
    )


def _edit_entry(request, unit=None, partner=None):
    staff = _staff(request)
    entry = DirectoryEntry.objects.filter(unit=unit, partner=partner).first()
    row = services.DirectoryRow(str(unit or partner), "", unit, partner, entry, False)
    services.mark_editable(rows=[row], user=request.user)
    if not row.can_edit:
        raise PermissionDenied(_("Du kan ikke endre denne oppføringen."))
    instance = entry or DirectoryEntry(
        municipality=staff.municipality, unit=unit, partner=partner, owner=request.user
    )
    form = DirectoryEntryForm(
        request.POST or None, instance=instance, municipality=staff.municipality
    )
    if request.method == "POST" and form.is_valid():
        services.save_entry(entry=form.save(commit=False), today=timezone.localdate())
        messages.success(request, _("Oppføringen er lagret og bekreftet i dag."))
        return redirect("cooperation:directory")
    return render(
        request,
        "cooperation/directory_form.html",
        {"form": form, "name": row.name, "entry": entry},
        status=400 if form.errors else 200,
    )


@login_required
def directory_unit(request, unit_id: int):
    unit = get_object_or_404(Unit, pk=unit_id, municipality=_staff(request).municipality)
    return _edit_entry(request, unit=unit)


@login_required
def directory_partner(request, partner_id: int):
    partner = get_object_or_404(
        ExternalPartner, pk=partner_id, municipality=_staff(request).municipality
    )
    return _edit_entry(request, partner=partner)


@login_required
@require_POST
def directory_verify(request, entry_id: int):
    entry = get_object_or_404(
        DirectoryEntry.objects.select_related("unit", "partner"),
        pk=entry_id,
        municipality=_staff(request).municipality,
    )
    row = services.DirectoryRow(entry.name, "", entry.unit, entry.partner, entry, False)
    services.mark_editable(rows=[row], user=request.user)
    if not row.can_edit:
        raise PermissionDenied(_("Du kan ikke bekrefte denne oppføringen."))
    services.verify_entry(entry=entry, today=timezone.localdate())
    messages.success(request, _("%(name)s er bekreftet som oppdatert.") % {"name": entry.name})
    return redirect("cooperation:directory")


def public_index(request):
    municipalities = list(Municipality.objects.filter(directory_entries__isnull=False).distinct())
    if len(municipalities) == 1:
        return redirect("cooperation:public_directory", number=municipalities[0].number)
    return render(request, "cooperation/public_index.html", {"municipalities": municipalities})


def public_directory(request, number: str):
    """Read-only, no login, no person data: what help exists and whom to call
    (an audit: the information on the municipality's web site was hard to find)."""
    municipality = get_object_or_404(Municipality, number=number)
    query = request.GET.get("q", "").strip()[:100]
    rows = services.public_rows(municipality=municipality, today=timezone.localdate(), query=query)
    # Offers without a decision (drop-in, outreach, activity): no application.
    offers = offer_services.directory_offers(municipality=municipality, query=query)
    return render(
        request,
        "cooperation/public_directory.html",
        {"municipality": municipality, "rows": rows, "query": query, "offers": offers},
    )


# --- The agreement with the health trust (hol. §§ 6-1, 6-2)


@login_required
def agreements(request):
    staff = _staff(request)
    today = timezone.localdate()
    found = list(
        CooperationAgreement.objects.filter(municipality=staff.municipality).prefetch_related(
            "sub_agreements"
        )
    )
    current = rules.agreement_in_force(found, today)
    covered = {t for s in current.sub_agreements.all() for t in s.topics} if current else set()
    labels = dict(rules.AgreementTopicLabels())
    return render(
        request,
        "cooperation/agreements.html",
        {
            "agreements": found,
            "current": current,
            "missing": [labels[t] for t in rules.missing_topics(covered)],
            "today": today,
            "can_manage": rules.can_manage(roles_of(user=request.user)),
        },
    )


@login_required
def agreement_edit(request, agreement_id: int | None = None):
    staff = _manager(request)
    agreement = (
        get_object_or_404(CooperationAgreement, pk=agreement_id, municipality=staff.municipality)
        if agreement_id
        else CooperationAgreement(municipality=staff.municipality)
    )
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        services.save_agreement(agreement=form.save(commit=False))
        messages.success(request, _("Samarbeidsavtalen er lagret."))
        return redirect("cooperation:agreements")
    return render(
        request,
        "cooperation/agreement_form.html",
        {"form": form, "title": _("Samarbeidsavtale med helseforetaket")},
        status=400 if form.errors else 200,
    )


@login_required
def sub_agreement_edit(request, agreement_id: int, sub_id: int | None = None):
    staff = _manager(request)
    agreement = get_object_or_404(
        CooperationAgreement, pk=agreement_id, municipality=staff.municipality
    )
    sub = (
        get_object_or_404(SubAgreement, pk=sub_id, agreement=agreement)
        if sub_id
        else SubAgreement(agreement=agreement)
    )
    form = SubAgreementForm(request.POST or None, instance=sub)
    if request.method == "POST" and form.is_valid():
        services.save_sub_agreement(sub_agreement=form.save(commit=False))
        messages.success(request, _("Delavtalen er lagret."))
        return redirect("cooperation:agreements")
    return render(
        request,
        "cooperation/agreement_form.html",
        {"form": form, "title": _("Delavtale")},
        status=400 if form.errors else 200,
    )


# --- Cooperation routines


@login_required
def routines(request):
    staff = _staff(request)
    overview = services.routine_overview(
        municipality=staff.municipality, today=timezone.localdate()
    )
    can_manage = rules.can_manage(roles_of(user=request.user))
    return render(request, "cooperation/routines.html", {**overview, "can_manage": can_manage})


@login_required
def routine_detail(request, routine_id: int):
    routine = get_object_or_404(
        CooperationRoutine, pk=routine_id, municipality=_staff(request).municipality
    )
    return render(
        request,
        "cooperation/routine_detail.html",
        {
            "routine": routine,
            "overdue": rules.review_overdue(routine.review_due, timezone.localdate()),
        },
    )


@login_required
def routine_edit(request, routine_id: int | None = None):
    staff = _manager(request)
    routine = (
        get_object_or_404(CooperationRoutine, pk=routine_id, municipality=staff.municipality)
        if routine_id
        else CooperationRoutine(municipality=staff.municipality, owner=request.user)
    )
    form = RoutineForm(request.POST or None, instance=routine, municipality=staff.municipality)
    if request.method == "POST" and form.is_valid():
        routine = services.save_routine(
            routine=form.save(commit=False), units=form.cleaned_data["units"]
        )
        messages.success(request, _("Samarbeidsrutinen er lagret."))
        return redirect("cooperation:routine", routine_id=routine.pk)
    return render(
        request,
        "cooperation/routine_form.html",
        {"form": form, "routine": routine},
        status=400 if form.errors else 200,
    )


# --- Strategic forums


@login_required
def forums(request):
    staff = _staff(request)
    return render(
        request,
        "cooperation/forums.html",
        {
            "forums": Forum.objects.filter(municipality=staff.municipality).prefetch_related(
                "units", "partners"
            ),
            "can_manage": rules.can_manage(roles_of(user=request.user)),
        },
    )


@login_required
def forum_edit(request, forum_id: int | None = None):
    staff = _manager(request)
    forum = (
        get_object_or_404(Forum, pk=forum_id, municipality=staff.municipality)
        if forum_id
        else Forum(municipality=staff.municipality)
    )
    form = ForumForm(request.POST or None, instance=forum, municipality=staff.municipality)
    if request.method == "POST" and form.is_valid():
        forum = services.save_forum(
            forum=form.save(commit=False),
            units=form.cleaned_data["units"],
            partners=form.cleaned_data["partners"],
        )
        messages.success(request, _("Forumet er lagret."))
        return redirect("cooperation:forum", forum_id=forum.pk)
    return render(
        request,
        "cooperation/forum_form.html",
        {"form": form, "forum": forum},
        status=400 if form.errors else 200,
    )


def _forum_page(request, forum, meeting_form=None, status=200):
    meetings = forum.meetings.prefetch_related("decisions")
    return render(
        request,
        "cooperation/forum_detail.html",
        {
            "forum": forum,
            "meetings": meetings,
            "meeting_form": meeting_form or ForumMeetingForm(),
            "can_manage": rules.can_manage(roles_of(user=request.user)),
        },
        status=status,
    )


@login_required
def forum_detail(request, forum_id: int):
    forum = get_object_or_404(Forum, pk=forum_id, municipality=_staff(request).municipality)
    if request.method != "POST":
        return _forum_page(request, forum)
    _manager(request)
    form = ForumMeetingForm(request.POST, instance=ForumMeeting(forum=forum))
    if not form.is_valid():
        return _forum_page(request, forum, form, status=400)
    services.record_forum_meeting(meeting=form.save(commit=False))
    messages.success(request, _("Møtet er registrert."))
    return redirect("cooperation:forum", forum_id=forum.pk)


@login_required
@require_POST
def forum_decision(request, forum_meeting_id: int):
    staff = _manager(request)
    meeting = get_object_or_404(
        ForumMeeting, pk=forum_meeting_id, forum__municipality=staff.municipality
    )
    form = ForumDecisionForm(request.POST, instance=ForumDecision(meeting=meeting))
    if form.is_valid():
        services.record_forum_decision(decision=form.save(commit=False))
        messages.success(request, _("Vedtaket er registrert."))
    else:
        messages.error(request, _("Vedtaket ble ikke lagret: %(e)s") % {"e": _errors(form)})
    return redirect("cooperation:forum", forum_id=meeting.forum_id)


@login_required
@require_POST
def forum_follow_up(request, decision_id: int):
    staff = _manager(request)
    decision = get_object_or_404(
        ForumDecision, pk=decision_id, meeting__forum__municipality=staff.municipality
    )
    form = DecisionFollowUpForm(request.POST, instance=decision)
    if form.is_valid():
        services.record_forum_decision(decision=form.save(commit=False))
        messages.success(request, _("Oppfølgingen er lagret."))
    else:
        messages.error(request, _("Oppfølgingen ble ikke lagret: %(e)s") % {"e": _errors(form)})
    return redirect("cooperation:forum", forum_id=decision.meeting.forum_id)


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --- Responsibility group (person data: always through the gate)


def _group(request, group_id, action=Action.VIEW, what="ansvarsgruppe"):
    person = access.person_for(request, access.person_id_for_group_id(group_id), action, what)
    group = ResponsibilityGroup.objects.get(pk=group_id)
    group.person = person
    return group


def _meeting(request, meeting_id, action=Action.VIEW, what="ansvarsgruppemøte"):
    person = access.person_for(request, access.person_id_for_meeting_id(meeting_id), action, what)
    meeting = Meeting.objects.select_related("group").get(pk=meeting_id)
    meeting.group.person = person
    return meeting


def _group_page(request, person, group, member_form=None, status=200):
    context = {"person": person, "around": services.around_person(person=person), "group": None}
    if group is not None:
        context |= services.group_page(group=group, now=timezone.now())
        context["member_form"] = member_form or MemberForm(person=person)
        context["frequency_form"] = FrequencyForm(
            initial={"frequency_weeks": group.frequency_weeks}
        )
    context["is_staff"] = getattr(request.user, "staff", None) is not None
    return render(request, "cooperation/group.html", context, status=status)


@login_required
def group(request, person_id: int):
    if request.method == "POST":
        _staff(request)
        person = access.person_for(request, person_id, Action.EDIT, "opprette ansvarsgruppe")
        services.create_group(person=person, user=request.user, today=timezone.localdate())
        messages.success(request, _("Ansvarsgruppen er opprettet."))
        return redirect("cooperation:group", person_id=person.pk)
    person = access.person_for(request, person_id, Action.VIEW, "ansvarsgruppe")
    group = ResponsibilityGroup.objects.filter(person=person).first()
    return _group_page(request, person, group)


@login_required
def member_add(request, group_id: int):
    _staff(request)
    group = _group(request, group_id, Action.EDIT, "legge til medlem")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MemberForm(request.POST, person=group.person)
    if form.is_valid():
        try:
            services.add_member(group=group, member=form.save(commit=False), moment=timezone.now())
        except ValidationError as error:
            form.add_error("partner", error)
    if form.errors:
        return _group_page(request, group.person, group, form, status=400)
    messages.success(request, _("%(name)s er lagt til.") % {"name": form.instance.name})
    return redirect("cooperation:group", person_id=group.person.pk)


@login_required
def member_remove(request, group_id: int):
    _staff(request)
    group = _group(request, group_id, Action.EDIT, "fjerne medlem")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    member = get_object_or_404(
        GroupMember, pk=request.POST.get("member") or 0, group=group, left_on__isnull=True
    )
    try:
        services.remove_member(member=member, today=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s er tatt ut av gruppen.") % {"name": member.name})
    return redirect("cooperation:group", person_id=group.person.pk)


@login_required
def group_frequency(request, group_id: int):
    _staff(request)
    group = _group(request, group_id, Action.EDIT, "møtefrekvens")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = FrequencyForm(request.POST)
    if form.is_valid():
        services.set_frequency(group=group, weeks=form.cleaned_data["frequency_weeks"])
        messages.success(request, _("Møtefrekvensen er lagret."))
    else:
        messages.error(request, _("Møtefrekvensen må være mellom 1 og 52 uker."))
    return redirect("cooperation:group", person_id=group.person.pk)


@login_required
def meeting_new(request, group_id: int):
    _staff(request)
    action = Action.EDIT if request.method == "POST" else Action.VIEW
    group = _group(request, group_id, action, "planlegge møte")
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = services.plan_meeting(
            group=group,
            starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
            place=data["place"],
            agenda=data["agenda"],
            status=data["status"],
        )
        messages.success(request, _("Møtet er lagt inn."))
        return redirect("cooperation:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "cooperation/meeting_form.html",
        {"form": form, "group": group, "person": group.person},
        status=400 if form.errors else 200,
    )


def _meeting_page(request, meeting, minutes_form=None, item_form=None, status=200):
    return render(
        request,
        "cooperation/meeting.html",
        {
            "meeting": meeting,
            "person": meeting.group.person,
            "carried": services.carried_items(meeting=meeting),
            "raised": meeting.action_items.select_related("owner"),
            "attendees": meeting.attendees.all(),
            "minutes_form": minutes_form
            or MinutesForm(
                meeting=meeting,
                initial={"minutes": meeting.minutes, "attendees": meeting.attendees.all()},
            ),
            "item_form": item_form or ActionItemForm(meeting=meeting),
            "status_choices": ActionItem.Status.choices,
            "is_staff": getattr(request.user, "staff", None) is not None,
        },
        status=status,
    )


@login_required
def meeting_detail(request, meeting_id: int):
    return _meeting_page(request, _meeting(request, meeting_id))


@login_required
def meeting_minutes(request, meeting_id: int):
    _staff(request)
    meeting = _meeting(request, meeting_id, Action.EDIT, "referat")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MinutesForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _meeting_page(request, meeting, minutes_form=form, status=400)
    services.record_minutes(
        meeting=meeting,
        minutes=form.cleaned_data["minutes"],
        attendees=form.cleaned_data["attendees"],
    )
    messages.success(request, _("Referatet er lagret."))
    return redirect("cooperation:meeting", meeting_id=meeting.pk)


@login_required
def meeting_item(request, meeting_id: int):
    _staff(request)
    meeting = _meeting(request, meeting_id, Action.EDIT, "oppfølgingspunkt")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ActionItemForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _meeting_page(request, meeting, item_form=form, status=400)
    services.add_action_item(meeting=meeting, item=form.save(commit=False))
    messages.success(request, _("Oppfølgingspunktet er lagt til."))
    return redirect("cooperation:meeting", meeting_id=meeting.pk)


@login_required
def meeting_ics(request, meeting_id: int):
    meeting = _meeting(request, meeting_id, Action.EXPORT, "kalenderinvitasjon")
    url = request.build_absolute_uri(reverse("cooperation:meeting", args=[meeting.pk]))
    body = rules.render_ics(
        [services.meeting_event(meeting=meeting, url=url)], timezone.now(), _("Ansvarsgruppemøte")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ansvarsgruppemote-{meeting.pk}.ics"'
    return response


@login_required
def item_status(request, item_id: int):
    _staff(request)
    person = access.person_for(
        request, access.person_id_for_item_id(item_id), Action.EDIT, "oppfølgingspunkt"
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    item = ActionItem.objects.get(pk=item_id)
    form = ItemStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ugyldig status."))
        return redirect("cooperation:group", person_id=person.pk)
    meeting_id = form.cleaned_data["meeting"]
    meeting = (
        get_object_or_404(Meeting, pk=meeting_id, group_id=item.group_id) if meeting_id else None
    )
    services.set_item_status(
        item=item, status=form.cleaned_data["status"], meeting=meeting, now=timezone.now()
    )
    messages.success(request, _("Status er endret for «%(text)s».") % {"text": item.text})
    if meeting:
        return redirect("cooperation:meeting", meeting_id=meeting.pk)
    return redirect("cooperation:group", person_id=person.pk)


# --- Messages and attachments


def _messages_page(request, person, form, status=200):
    return render(
        request,
        "cooperation/messages.html",
        {"person": person, "form": form, "thread": services.messages_for(person=person)},
        status=status,
    )


@login_required
def person_messages(request, person_id: int):
    if request.method != "POST":
        person = access.person_for(request, person_id, Action.VIEW, "meldinger")
        return _messages_page(request, person, MessageForm())
    person = access.person_for(request, person_id, Action.EDIT, "ny melding")
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.post_message(
                person=person,
                user=request.user,
                body=form.cleaned_data["body"],
                upload=form.cleaned_data["attachment"],
            )
        except ValidationError as error:
            form.add_error("attachment", error)
    if form.errors:
        return _messages_page(request, person, form, status=400)
    messages.success(request, _("Meldingen er sendt."))
    return redirect("cooperation:messages", person_id=person.pk)


@login_required
def attachment(request, attachment_id: int):
    access.person_for(
        request, access.person_id_for_attachment_id(attachment_id), Action.VIEW, "vedlegg"
    )
    item = Attachment.objects.get(pk=attachment_id)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("Filen finnes ikke lenger.")) from error
    return FileResponse(
        handle, content_type=item.content_type, as_attachment=True, filename=item.original_name
    )


# --- Calendar


@login_required
def calendar(request):
    _staff(request)
    token = services.issue_feed_token(user=request.user) if request.method == "POST" else None
    feed_url = (
        request.build_absolute_uri(reverse("cooperation:feed", args=[token])) if token else None
    )
    return render(request, "cooperation/calendar.html", {"feed_url": feed_url})


def calendar_feed(request, token: str):
    # No login and no gate: calendar programs cannot log in. The feed therefore
    # holds no person data at all, only times and a link that leads back
    # through the login and the gate (see services.feed_event).
    user = services.feed_user(token=token)
    if user is None:
        raise Http404(_("Ukjent kalenderadresse."))
    now = timezone.now()
    events = [
        services.feed_event(
            meeting=m, url=request.build_absolute_uri(reverse("cooperation:meeting", args=[m.pk]))
        )
        for m in services.feed_meetings(user=user, now=now)
    ]
    body = rules.render_ics(events, now, _("Helhet – ansvarsgruppemøter"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
