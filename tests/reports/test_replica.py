"""Report reads go to the replica alias when one is configured; writes never do."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.models import Association
from reports import catalog
from reports.replica import REPLICA, ReplicaRouter, replica_reads


def test_the_router_sends_report_reads_to_the_replica_only_when_configured(settings):
    router = ReplicaRouter()
    settings.REPORTS_READ_FROM_REPLICA = True
    assert router.db_for_read(Association) is None  # outside a report view
    with replica_reads():
        assert router.db_for_read(Association) == REPLICA
        assert router.db_for_write(Association) is None
    settings.REPORTS_READ_FROM_REPLICA = False
    with replica_reads():
        assert router.db_for_read(Association) is None
    assert router.allow_migrate(REPLICA, "associations") is False


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_report_queries_run_on_the_replica(settings, network):
    settings.REPORTS_READ_FROM_REPLICA = True
    county = Association.objects.get(code="330799")
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
        replica_reads(),
    ):
        figures = catalog.evaluate(Association.objects.get(pk=county.pk), 2024)
    assert figures["org.associations.total"] == 7
    # Reads on the replica; the primary only takes the figures computed into the store.
    reads_on_primary = [q for q in on_primary.captured_queries if q["sql"].startswith("SELECT")]
    assert len(on_replica) > 0 and reads_on_primary == []


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_report_pages_read_from_the_replica(settings, client_for, county_officer):
    settings.REPORTS_READ_FROM_REPLICA = True
    client = client_for(county_officer)
    for name in ("reports:dashboard", "reports:tables", "reports:association_year"):
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert client.get(reverse(name)).status_code == 200
        assert len(on_replica) > 0, name
