from django.urls import path

from helhet.cooperation import views

app_name = "cooperation"
urlpatterns = [
    path("", views.index, name="index"),
    # Service directory: staff view, and the public one without login.
    path("katalog/", views.directory, name="directory"),
    path("katalog/enhet/<int:unit_id>/", views.directory_unit, name="directory_unit"),
    path("katalog/ekstern/<int:partner_id>/", views.directory_partner, name="directory_partner"),
    path("katalog/<int:entry_id>/bekreft/", views.directory_verify, name="directory_verify"),
    path("tjenesteoversikt/", views.public_index, name="public_index"),
    path("tjenesteoversikt/<str:number>/", views.public_directory, name="public_directory"),
    # Cooperation routines.
    path("rutiner/", views.routines, name="routines"),
    # The agreement with the health trust (hol. §§ 6-1, 6-2).
    path("avtaler/", views.agreements, name="agreements"),
    path("avtaler/ny/", views.agreement_edit, name="agreement_new"),
    path("avtaler/<int:agreement_id>/endre/", views.agreement_edit, name="agreement_edit"),
    path("avtaler/<int:agreement_id>/delavtale/ny/", views.sub_agreement_edit, name="sub_new"),
    path(
        "avtaler/<int:agreement_id>/delavtale/<int:sub_id>/",
        views.sub_agreement_edit,
        name="sub_edit",
    ),
    path("rutiner/ny/", views.routine_edit, name="routine_new"),
    path("rutiner/<int:routine_id>/", views.routine_detail, name="routine"),
    path("rutiner/<int:routine_id>/endre/", views.routine_edit, name="routine_edit"),
    # Strategic forums.
    path("forum/", views.forums, name="forums"),
    path("forum/ny/", views.forum_edit, name="forum_new"),
    path("forum/<int:forum_id>/", views.forum_detail, name="forum"),
    path("forum/<int:forum_id>/endre/", views.forum_edit, name="forum_edit"),
    path("forum/mote/<int:forum_meeting_id>/vedtak/", views.forum_decision, name="forum_decision"),
    path("forum/vedtak/<int:decision_id>/", views.forum_follow_up, name="forum_follow_up"),
    # Person-scoped: every one of these goes through the access gate.
    path("person/<int:person_id>/", views.group, name="group"),
    path("person/<int:person_id>/meldinger/", views.person_messages, name="messages"),
    path("gruppe/<int:group_id>/medlemmer/", views.member_add, name="member_add"),
    path("gruppe/<int:group_id>/medlemmer/fjern/", views.member_remove, name="member_remove"),
    path("gruppe/<int:group_id>/frekvens/", views.group_frequency, name="group_frequency"),
    path("gruppe/<int:group_id>/moter/ny/", views.meeting_new, name="meeting_new"),
    path("mote/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("mote/<int:meeting_id>/referat/", views.meeting_minutes, name="meeting_minutes"),
    path("mote/<int:meeting_id>/punkter/", views.meeting_item, name="meeting_item"),
    path("mote/<int:meeting_id>/invitasjon.ics", views.meeting_ics, name="meeting_ics"),
    path("punkt/<int:item_id>/status/", views.item_status, name="item_status"),
    path("vedlegg/<int:attachment_id>/", views.attachment, name="attachment"),
    # Calendar: the feed has no login, so it carries no person data.
    path("kalender/", views.calendar, name="calendar"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="feed"),
]
