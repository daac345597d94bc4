from django.contrib.auth.backends import ModelBackend

from sammachip.roles import ROLE_PERMISSIONS


class RoleBackend(ModelBackend):
    """Django's model backend plus the permissions that come with a staff user's role."""

    def get_role_permissions(self, user_obj):
        if not (user_obj.is_active and user_obj.is_staff):
            return frozenset()
        return ROLE_PERMISSIONS.get(getattr(user_obj, "role", ""), frozenset())

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            user_obj._role_perm_cache = set(self.get_role_permissions(user_obj))
        return super().get_all_permissions(user_obj) | user_obj._role_perm_cache
