# Plans are person data: system administrators have no access to them
# (DOMAIN.md §2), so nothing of this app is registered in the admin.
