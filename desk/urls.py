from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("todo/", views.todo, name="todo"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<str:code>/<month:month>/approve/", views.approve, name="approve"),
    path("approvals/<str:code>/<month:month>/send-back/", views.send_back, name="send_back"),
]
