from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SAMMACHIP_SITE_NAME,
        "OFFICE_NAME": settings.SAMMACHIP_OFFICE_NAME,
        "OFFICE_ADDRESS": settings.SAMMACHIP_OFFICE_ADDRESS,
        "OFFICE_PHONE": settings.SAMMACHIP_OFFICE_PHONE,
        # The navbar links the admin for everyone only at its well-known default path; an admin
        # moved by DJANGO_ADMIN_URL is linked for signed-in staff only (never cached pages).
        "ADMIN_LINK_PUBLIC": settings.SAMMACHIP_ADMIN_URL == "admin/",
    }
