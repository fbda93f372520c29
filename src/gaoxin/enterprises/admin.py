from django.contrib import admin

from .models import Contact, Enterprise, Industry, LandParcel, ParkArea, Qualification


class ParcelInline(admin.TabularInline):
    model = LandParcel
    extra = 0


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "industry", "size_group", "park_area"]
    list_filter = ["size_group", "industry__section", "park_area"]
    search_fields = ["name", "uscc"]
    list_select_related = ["industry", "park_area"]
    inlines = [ParcelInline, QualificationInline, ContactInline]


admin.site.register(Industry)
admin.site.register(ParkArea)
admin.site.site_header = "高新区平台后台"
