from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("lookup/", views.member_lookup, name="lookup"),
    path("pick/members/", views.pick_member, name="pick_member"),
    path("pick/households/", views.pick_household, name="pick_household"),
    path("pick/groups/", views.pick_group, name="pick_group"),
    path("add/", views.member_create, name="create"),
    path("withdrawn/", views.withdrawn, name="withdrawn"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/reveal/", views.member_reveal, name="reveal"),
    path("<int:pk>/leave/", views.member_leave, name="leave"),
    path("<int:pk>/rejoin/", views.member_rejoin, name="rejoin"),
    path("<int:pk>/positions/add/", views.position_assign, name="position_assign"),
    path("<int:pk>/dues/", views.dues_record, name="dues_record"),
    path("positions/<int:pk>/edit/", views.position_edit, name="position_edit"),
    path("positions/<int:pk>/end/", views.position_end, name="position_end"),
    path("dues/<int:pk>/edit/", views.dues_edit, name="dues_edit"),
    path("officers/", views.officers, name="officers"),
    path("households/", views.household_list, name="household_list"),
    path("households/add/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path(
        "households/<int:pk>/certificates/",
        views.certificate_record,
        name="certificate_record",
    ),
    path("liaison/", views.liaison, name="liaison"),
    path("liaison/<int:village_pk>/pair/", views.liaison_create, name="liaison_create"),
    path("liaison/<int:pk>/edit/", views.liaison_edit, name="liaison_edit"),
    path("liaison/<int:pk>/end/", views.liaison_end, name="liaison_end"),
    path("groups/", views.member_groups, name="groups"),
    path("groups/<int:village_pk>/add/", views.member_group_create, name="group_create"),
    path("groups/<int:pk>/edit/", views.member_group_edit, name="group_edit"),
    path("integrity-groups/", views.integrity_groups, name="integrity_groups"),
    path(
        "integrity-groups/<int:village_pk>/add/",
        views.integrity_group_create,
        name="integrity_group_create",
    ),
    path(
        "integrity-groups/<int:pk>/edit/",
        views.integrity_group_edit,
        name="integrity_group_edit",
    ),
    # Withdrawing (作废) and restoring: kind is member, household, position, liaison or dues.
    path("withdraw/<slug:kind>/<int:pk>/", views.withdraw, name="withdraw"),
    path("restore/<slug:kind>/<int:pk>/", views.restore, name="restore"),
]
