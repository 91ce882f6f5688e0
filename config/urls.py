from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from associations import views as association_views

admin.site.site_header = admin.site.site_title = _("计生协工作管理系统")

urlpatterns = [
    path("", association_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", association_views.language_switch, name="set_language"),
    path("associations/", include("associations.urls")),
    path("members/", include("members.urls")),
    path("activities/", include("activities.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
