from django.urls import path

from . import job_views, views
from .spreadsheets import views as sheets

app_name = "associations"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("pick/", views.pick, name="pick"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tree/", views.tree, name="subtree"),
    path("<int:parent_pk>/add/", views.create, name="create"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/dissolve/", views.dissolve, name="dissolve"),
    path("<int:pk>/restore/", views.restore, name="restore"),
    path("jobs/", job_views.job_list, name="jobs"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job"),
    path("jobs/<int:pk>/status/", job_views.job_status, name="job_status"),
    path("jobs/<int:pk>/download/", job_views.job_download, name="job_download"),
    path("jobs/<int:pk>/retry/", job_views.job_retry, name="job_retry"),
    path("personal-data-log/", views.personal_data_log, name="personal_data_log"),
    path("saved-filters/", views.saved_filter_save, name="saved_filter_save"),
    path("saved-filters/<int:pk>/remove/", views.saved_filter_remove, name="saved_filter_remove"),
    path("imports/", sheets.index, name="imports"),
    path("imports/confirm/", sheets.confirm, name="import_confirm"),
    path("imports/preview/<str:token>/", sheets.preview, name="import_preview"),
    path("imports/<slug:kind>/template/", sheets.template, name="import_template"),
    path("imports/<slug:kind>/export/", sheets.export, name="export"),
    path("imports/<slug:kind>/upload/", sheets.upload, name="import_upload"),
]
