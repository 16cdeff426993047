# Plans are person data: system administrators have no access to them
# (docs/access.md), so nothing of this app is registered in the admin.
