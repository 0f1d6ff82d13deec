"""Who reads, edits and updates a plan (motcua.plans.rules)."""

from __future__ import annotations

from motcua.plans import rules, selectors


def _readers(world, plan) -> set[str]:
    return {name for name, user in world.people.items() if rules.may_read(user, plan)}


def test_the_owner_the_task_units_and_the_agencies_above_read_the_plan(world, plan):
    assert _readers(world, plan) == {
        "receiver", "specialist", "approver",  # the owner, the ward's committee
        "police_specialist", "police_approver",  # a task's owner
        "city_specialist", "city_leader", "admin",  # above the committee
    }  # fmt: skip


def test_the_listing_holds_the_same_plans_as_the_rule(world, plan):
    for name, user in world.people.items():
        listed = selectors.visible_plans(user).filter(pk=plan.pk).exists()
        assert listed == rules.may_read(user, plan), name


def test_a_unit_a_target_applies_to_reads_the_plan(world, plan):
    assert not rules.may_read(world["specialist2"], plan)
    plan.targets.first().agencies.add(world.committee2)
    assert rules.may_read(world["specialist2"], plan)
    assert selectors.visible_plans(world["specialist2"]).filter(pk=plan.pk).exists()


def test_only_the_owners_leaders_and_admins_edit(world, plan):
    editors = {n for n, u in world.people.items() if rules.may(u, "edit_plan", plan)}
    assert editors == {"approver", "admin"}
    task = plan.tasks.get()
    assert {n for n, u in world.people.items() if rules.may(u, "edit_task", task)} == editors


def test_the_task_owners_and_the_plans_leaders_update_a_task(world, plan):
    task = plan.tasks.get()
    updaters = {n for n, u in world.people.items() if rules.may(u, "update_task", task)}
    assert updaters == {"police_specialist", "police_approver", "approver", "admin"}
    reason = rules.why_not(world["specialist"], "update_task", task)
    assert reason is not None and "đơn vị thực hiện" in reason


def test_an_index_target_takes_no_hand_entered_value(world, plan):
    index_target, free = plan.targets.all()
    assert "tự động" in rules.why_not(world["approver"], "enter_value", index_target)
    assert rules.may(world["approver"], "enter_value", free)
    assert not rules.may(world["specialist"], "enter_value", free)


def test_a_citizen_reads_no_plan(world, plan):
    assert not rules.may_read(world["citizen"], plan)
    assert not selectors.visible_plans(world["citizen"]).exists()
