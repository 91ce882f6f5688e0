from django.urls import path

from . import views
from .spreadsheets import views as sheets

app_name = "associations"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tree/", views.tree, name="subtree"),
    path("<int:parent_pk>/add/", views.create, name="create"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/dissolve/", views.dissolve, name="dissolve"),
    path("<int:pk>/restore/", views.restore, name="restore"),
    path("imports/", sheets.index, name="imports"),
    path("imports/confirm/", sheets.confirm, name="import_confirm"),
    path("imports/<slug:kind>/template/", sheets.template, name="import_template"),
    path("imports/<slug:kind>/export/", sheets.export, name="export"),
    path("imports/<slug:kind>/upload/", sheets.upload, name="import_upload"),
]
