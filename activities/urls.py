from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.index, name="index"),
    path("pick/projects/", views.pick_project, name="pick_project"),
    path("pick/events/", views.pick_event, name="pick_event"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("aid/", views.aid_list, name="aid_list"),
    path("aid/new/", views.aid_create, name="aid_create"),
    path("aid/<int:pk>/", views.aid_detail, name="aid_detail"),
    path("aid/<int:pk>/edit/", views.aid_edit, name="aid_edit"),
    path("awards/", views.award_list, name="award_list"),
    path("awards/new/", views.award_create, name="award_create"),
    path("awards/<int:pk>/", views.award_detail, name="award_detail"),
    path("awards/<int:pk>/edit/", views.award_edit, name="award_edit"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/new/<slug:template>/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("selfgov/", views.selfgov_list, name="selfgov_list"),
    path("selfgov/new/", views.selfgov_create, name="selfgov_create"),
    path("selfgov/<int:pk>/", views.selfgov_detail, name="selfgov_detail"),
    path("selfgov/<int:pk>/edit/", views.selfgov_edit, name="selfgov_edit"),
    path("ledger/", views.ledger_list, name="ledger_list"),
    path("ledger/new/", views.ledger_create, name="ledger_create"),
    path("ledger/<int:pk>/", views.ledger_detail, name="ledger_detail"),
    path("ledger/<int:pk>/edit/", views.ledger_edit, name="ledger_edit"),
    path("<slug:kind>/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:kind>/<int:pk>/restore/", views.restore, name="restore"),
]
