from django.urls import path

from www.calibrage import views

app_name = "calibrage"

urlpatterns = [
    path("clauses/a-calibrer/", views.a_calibrer, name="liste"),
    path("clauses/<int:pk>/calibrer/", views.calibrer, name="calibrer"),
]
