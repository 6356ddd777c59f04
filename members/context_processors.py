from .access import is_provincial, role_of


def role(request):
    """The user's role, for menus that show only what the user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_role": role_of(user), "user_is_provincial": is_provincial(user)}
