from django.urls import path

from . import (
    dashboard_views,
    inbox_views,
    planning_views,
    submission_views,
    views,
    work_report_views,
)

app_name = "reports"

urlpatterns: list = [
    path("tables/", views.tables, name="tables"),
    path("tables/export.xlsx", views.tables_xlsx, name="tables_xlsx"),
    path("tables/export.pdf", views.tables_pdf, name="tables_pdf"),
    path("definitions/", views.definitions, name="definitions"),
    # Dashboards and the year at a glance
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/<int:pk>/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/<int:pk>/pdf/", dashboard_views.dashboard_pdf, name="dashboard_pdf"),
    path("glance/", dashboard_views.association_year, name="association_year"),
    path("glance/<int:pk>/", dashboard_views.association_year, name="association_year"),
    # The drafted work report
    path("narrative/", work_report_views.work_report, name="narrative"),
    path("narrative/<int:pk>/", work_report_views.work_report, name="narrative"),
    path("narrative/<int:pk>/save/", work_report_views.work_report_save, name="narrative_save"),
    path(
        "narrative/<int:pk>/regenerate/",
        work_report_views.work_report_regenerate,
        name="narrative_regenerate",
    ),
    path(
        "narrative/<int:pk>/revert/", work_report_views.work_report_revert, name="narrative_revert"
    ),
    path("narrative/<int:pk>/pdf/", work_report_views.work_report_pdf, name="narrative_pdf"),
    # 待办: what the user can act on, and the navigation badge's count
    path("inbox/", inbox_views.inbox_page, name="inbox"),
    path("inbox/count/", inbox_views.inbox_count, name="inbox_count"),
    # Level-by-level submission (逐级上报)
    path("submission/", submission_views.submission_home, name="submission_home"),
    path("submission/<int:pk>/<int:year>/", submission_views.report_detail, name="submission"),
    *[
        path(
            f"submission/<int:pk>/<int:year>/{action}/",
            submission_views.report_act,
            {"action": action},
            name=f"submission_{action}",
        )
        for action in submission_views.ACTIONS
    ],
    path(
        "submission/<int:pk>/<int:year>/override/",
        submission_views.report_override,
        name="submission_override",
    ),
    path("compilation/", submission_views.compilation_home, name="compilation_home"),
    path("compilation/<int:pk>/<int:year>/", submission_views.compilation, name="compilation"),
    path(
        "compilation/<int:pk>/<int:year>/deadline/",
        submission_views.deadline_set,
        name="compilation_deadline",
    ),
    path(
        "compilation/<int:pk>/<int:year>/enter/",
        submission_views.compilation_enter,
        name="compilation_enter",
    ),
    # Target management (目标管理): context, plans and targets, comparison, assessment results
    path("context/", planning_views.context_list, name="context"),
    path("records/<slug:kind>/new/", planning_views.create, name="create"),
    path("context/<int:pk>/", planning_views.context_detail, name="context_detail"),
    path("plans/", planning_views.plan_list, name="plans"),
    path("plans/<int:pk>/", planning_views.plan_detail, name="plan_detail"),
    path("targets/bulk/", planning_views.targets_bulk, name="targets_bulk"),
    path("targets/<int:pk>/", planning_views.target_detail, name="target_detail"),
    path("rankings/", planning_views.ranking, name="rankings"),
    path("assessments/", planning_views.assessment_results, name="assessment_results"),
    path("assessments/fill/", planning_views.assessments_fill, name="assessments_fill"),
    path("records/<slug:kind>/<int:pk>/edit/", planning_views.edit, name="edit"),
    path("records/<slug:kind>/<int:pk>/withdraw/", planning_views.withdraw, name="withdraw"),
    path("records/<slug:kind>/<int:pk>/restore/", planning_views.restore, name="restore"),
]
