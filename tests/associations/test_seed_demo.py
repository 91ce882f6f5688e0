from django.core.management import call_command

from associations.models import Association, Level, User


def test_seed_demo_twice_gives_the_same_network(db, capsys):
    call_command("seed_demo", scale=0.02)
    first = sorted(Association.objects.values_list("code", "path", "name"))
    users = set(User.objects.values_list("username", flat=True))
    call_command("seed_demo", scale=0.02)
    assert sorted(Association.objects.values_list("code", "path", "name")) == first
    assert set(User.objects.values_list("username", flat=True)) == users
    district = Association.objects.get(code="330703")
    assert district.children.filter(level=Level.TOWN).count() == 11
    villages = Association.objects.within(district).filter(level__in=["village", "community"])
    assert 240 <= villages.count() <= 270
    assert {"qu_mishu", "xiaoshun_mishu", "qu_lingdao", "cun_luru"} <= users
    assert "demo-2026" in capsys.readouterr().out
