from members.access import (
    can_read_people,
    can_write_any,
    is_federation_staff,
    is_provincial,
    reads_whole_province,
    role_of,
)


def menu(request):
    """Which menu entries the user may open, asked of members.access as the pages themselves ask:
    `menu.home` the role's own page (where `home` sends it: "Việc cần làm", "Duyệt số liệu" or the
    dashboard), `menu.entry` the entry grid (those who write figures), `menu.people` member
    records (personal data, which leadership never reads), `menu.reorganisation` the reorganisation
    plans (provincial staff build them, leadership reads them)."""
    user = getattr(request, "user", None)
    if user is None or role_of(user) is None:
        return {"menu": {}}
    home = (
        "desk:todo" if is_federation_staff(user) else "desk:approvals" if is_provincial(user) else "reports:dashboard"
    )
    return {
        "menu": {
            "home": home,
            "entry": can_write_any(user),
            "people": can_read_people(user),
            "reorganisation": reads_whole_province(user),
        }
    }
