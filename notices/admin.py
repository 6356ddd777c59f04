"""Notices and reminders as sent, for whoever looks after the portal: which e-mails could not go,
which reminders went out. Read only: notices come from actions, reminders from send_reminders."""

from django.contrib import admin

from .models import Notice, Reminder


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnly):
    list_display = ["created_at", "user", "kind", "read_at", "email", "email_tries", "email_sent_at"]
    list_filter = ["kind", "email"]
    search_fields = ["user__username"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnly):
    list_display = ["sent_at", "kind", "federation", "month", "meeting", "term", "days_before"]
    list_filter = ["kind"]
    list_select_related = ["federation", "meeting", "term__cdcs"]
