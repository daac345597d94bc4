from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SAMMACHIP_SITE_NAME,
        "OFFICE_NAME": settings.SAMMACHIP_OFFICE_NAME,
        "OFFICE_ADDRESS": settings.SAMMACHIP_OFFICE_ADDRESS,
        "OFFICE_PHONE": settings.SAMMACHIP_OFFICE_PHONE,
    }
