"""The API's default permission: staff URLs for staff only.

Token and bearer users are authenticated by DRF inside the view, after the
page middleware has run, so the same rule (helhet.access.staffonly) is asked
again here. Persons and their representatives use Min side.
"""

from rest_framework.permissions import BasePermission

from helhet.access import staffonly


class StaffRole(BasePermission):
    def has_permission(self, request, view) -> bool:
        if staffonly.refused(request.user, request.resolver_match, request.method):
            self.message = staffonly.refusal_message()
            return False
        return True
