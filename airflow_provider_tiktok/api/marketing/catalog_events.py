"""TikTok report metrics, part 2: conversion events (in-app, SKAN, website / TikTok page, offline).

Same form and sources as :mod:`.catalog_metrics`; the SKAN and offline families also follow
TikTok's in-app / offline event metric sections as listed by public clients of the API. Every
event has the same shape: a count (``int``) and its cost, rate, value and ROAS (``float``).
"""

from __future__ import annotations

#: group -> {type: whitespace-separated metric names}.
EVENT_TABLES: dict[str, dict[str, str]] = {
    "in_app_events": {
        "int": """
            real_time_app_install app_install registration total_registration purchase total_purchase
            app_event_add_to_cart total_app_event_add_to_cart checkout total_checkout view_content
            total_view_content next_day_open total_next_day_open day7_retention total_day7_retention
            add_payment_info total_add_payment_info add_to_wishlist total_add_to_wishlist launch_app
            total_launch_app complete_tutorial total_complete_tutorial create_group total_create_group join_group
            total_join_group create_gamerole total_create_gamerole spend_credits total_spend_credits achieve_level
            total_achieve_level unlock_achievement total_unlock_achievement sales_lead total_sales_lead
            in_app_ad_click total_in_app_ad_click in_app_ad_impr total_in_app_ad_impr loan_apply total_loan_apply
            loan_credit total_loan_credit loan_disbursement total_loan_disbursement login total_login ratings
            total_ratings search total_search start_trial total_start_trial subscribe total_subscribe
            unique_custom_app_events custom_app_events unique_ad_impression_events ads_impression_events
        """,
        "float": """
            real_time_app_install_cost cost_per_app_install cost_per_registration registration_rate
            cost_per_total_registration cost_per_purchase purchase_rate cost_per_total_purchase
            value_per_total_purchase total_purchase_value total_active_pay_roas total_purchase_roas_day0
            total_purchase_roas_day2 total_purchase_roas_day6 total_purchase_value_day0 total_purchase_value_day2
            total_purchase_value_day6 cost_per_app_event_add_to_cart app_event_add_to_cart_rate
            cost_per_total_app_event_add_to_cart value_per_total_app_event_add_to_cart
            total_app_event_add_to_cart_value cost_per_checkout checkout_rate cost_per_total_checkout
            value_per_checkout total_checkout_value cost_per_view_content view_content_rate
            cost_per_total_view_content value_per_total_view_content total_view_content_value cost_per_next_day_open
            next_day_open_rate cost_per_total_next_day_open cost_per_day7_retention day7_retention_rate
            cost_per_total_day7_retention value_per_total_day7_retention total_day7_retention_value
            cost_per_add_payment_info add_payment_info_rate cost_total_add_payment_info cost_per_add_to_wishlist
            add_to_wishlist_rate cost_per_total_add_to_wishlist value_per_total_add_to_wishlist
            total_add_to_wishlist_value cost_per_launch_app launch_app_rate cost_per_total_launch_app
            cost_per_complete_tutorial complete_tutorial_rate cost_per_total_complete_tutorial
            value_per_total_complete_tutorial total_complete_tutorial_value cost_per_create_group create_group_rate
            cost_per_total_create_group value_per_total_create_group total_create_group_value cost_per_join_group
            join_group_rate cost_per_total_join_group value_per_total_join_group total_join_group_value
            cost_per_create_gamerole create_gamerole_rate cost_per_total_create_gamerole
            value_per_total_create_gamerole total_create_gamerole_value cost_per_spend_credits spend_credits_rate
            cost_per_total_spend_credits value_per_total_spend_credits total_spend_credits_value
            cost_per_achieve_level achieve_level_rate cost_per_total_achieve_level value_per_total_achieve_level
            total_achieve_level_value cost_per_unlock_achievement unlock_achievement_rate
            cost_per_total_unlock_achievement value_per_total_unlock_achievement total_unlock_achievement_value
            cost_per_sales_lead sales_lead_rate cost_per_total_sales_lead value_per_total_sales_lead
            total_sales_lead_value cost_per_in_app_ad_click in_app_ad_click_rate cost_per_total_in_app_ad_click
            value_per_total_in_app_ad_click total_in_app_ad_click_value cost_per_in_app_ad_impr in_app_ad_impr_rate
            cost_per_total_in_app_ad_impr value_per_total_in_app_ad_impr total_in_app_ad_impr_value
            cost_per_loan_apply loan_apply_rate cost_per_total_loan_apply cost_per_loan_credit loan_credit_rate
            cost_per_total_loan_credit cost_per_loan_disbursement loan_disbursement_rate
            cost_per_total_loan_disbursement cost_per_login login_rate cost_per_total_login cost_per_ratings
            ratings_rate cost_per_total_ratings value_per_total_ratings total_ratings_value cost_per_search
            search_rate cost_per_total_search cost_per_start_trial start_trial_rate cost_per_total_start_trial
            cost_per_subscribe subscribe_rate cost_per_total_subscribe value_per_total_subscribe
            total_subscribe_value cost_per_unique_custom_app_event custom_app_event_rate cost_per_custom_app_event
            value_per_custom_app_event custom_app_events_value cost_per_unique_ad_impression_event
            customized_ad_impression_event_rate cost_pre_ad_impression_event value_per_ad_impression_event
            total_ad_impression_events_value total_ad_impression_roas ad_impression_ad_revenue_roas_day0
            ad_impression_ad_revenue_roas_day2 ad_impression_ad_revenue_roas_day6 ad_impression_ad_revenue_day0
            ad_impression_ad_revenue_day2 ad_impression_ad_revenue_day6
        """,
    },
    "skan_events": {
        "int": """
            skan_app_install skan_app_install_withheld skan_registration skan_total_registration skan_purchase
            skan_total_purchase skan_add_to_cart skan_total_add_to_cart skan_checkout skan_total_checkout
            skan_view_content skan_total_view_content skan_add_to_wishlist skan_total_add_to_wishlist
            skan_complete_tutorial skan_total_complete_tutorial skan_create_group skan_total_create_group
            skan_join_group skan_total_join_group skan_create_gamerole skan_total_create_gamerole skan_spend_credits
            skan_total_spend_credits skan_achieve_level skan_total_achieve_level skan_unlock_achievement
            skan_total_unlock_achievement skan_sales_lead skan_total_sales_lead skan_in_app_ad_click
            skan_total_in_app_ad_click skan_in_app_ad_impr skan_total_in_app_ad_impr skan_ratings skan_total_ratings
            skan_subscribe skan_total_subscribe skan_launch_app skan_total_launch_app skan_loan_apply
            skan_total_loan_apply skan_loan_credit skan_total_loan_credit skan_loan_disbursement
            skan_total_loan_disbursement skan_login skan_total_login skan_search skan_total_search skan_start_trial
            skan_total_start_trial skan_add_payment_info skan_total_add_payment_info skan_vta_conversion
            skan_vta_app_install skan_vta_registration skan_vta_purchase skan_cta_conversion skan_cta_app_install
            skan_cta_registration skan_cta_purchase
        """,
        "float": """
            skan_cost_per_app_install skan_cost_per_registration skan_registration_rate
            skan_cost_per_total_registration skan_total_registration_value skan_cost_per_purchase skan_purchase_rate
            skan_cost_per_total_purchase skan_total_purchase_value skan_cost_per_add_to_cart skan_add_to_cart_rate
            skan_cost_per_total_add_to_cart skan_total_add_to_cart_value skan_cost_per_checkout skan_checkout_rate
            skan_cost_per_total_checkout skan_total_checkout_value skan_cost_per_view_content skan_view_content_rate
            skan_cost_per_total_view_content skan_total_view_content_value skan_cost_per_add_to_wishlist
            skan_add_to_wishlist_rate skan_cost_per_total_add_to_wishlist skan_total_add_to_wishlist_value
            skan_cost_per_complete_tutorial skan_complete_tutorial_rate skan_cost_per_total_complete_tutorial
            skan_total_complete_tutorial_value skan_cost_per_create_group skan_create_group_rate
            skan_cost_per_total_create_group skan_total_create_group_value skan_cost_per_join_group
            skan_join_group_rate skan_cost_per_total_join_group skan_total_join_group_value
            skan_cost_per_create_gamerole skan_create_gamerole_rate skan_cost_per_total_create_gamerole
            skan_total_create_gamerole_value skan_cost_per_spend_credits skan_spend_credits_rate
            skan_cost_per_total_spend_credits skan_total_spend_credits_value skan_cost_per_achieve_level
            skan_achieve_level_rate skan_cost_per_total_achieve_level skan_total_achieve_level_value
            skan_cost_per_unlock_achievement skan_unlock_achievement_rate skan_cost_per_total_unlock_achievement
            skan_total_unlock_achievement_value skan_cost_per_sales_lead skan_sales_lead_rate
            skan_cost_per_total_sales_lead skan_total_sales_lead_value skan_cost_per_in_app_ad_click
            skan_in_app_ad_click_rate skan_cost_per_total_in_app_ad_click skan_total_in_app_ad_click_value
            skan_cost_per_in_app_ad_impr skan_in_app_ad_impr_rate skan_cost_per_total_in_app_ad_impr
            skan_total_in_app_ad_impr_value skan_cost_per_ratings skan_ratings_rate skan_cost_per_total_ratings
            skan_total_ratings_value skan_cost_per_subscribe skan_subscribe_rate skan_cost_per_total_subscribe
            skan_total_subscribe_value skan_cost_per_launch_app skan_launch_app_rate skan_cost_per_total_launch_app
            skan_cost_per_loan_apply skan_loan_apply_rate skan_cost_per_total_loan_apply skan_cost_per_loan_credit
            skan_loan_credit_rate skan_cost_per_total_loan_credit skan_cost_per_loan_disbursement
            skan_loan_disbursement_rate skan_cost_per_total_loan_disbursement skan_cost_per_login skan_login_rate
            skan_cost_per_total_login skan_cost_per_search skan_search_rate skan_cost_per_total_search
            skan_cost_per_start_trial skan_start_trial_rate skan_cost_per_total_start_trial
            skan_cost_per_add_payment_info skan_add_payment_info_rate skan_cost_total_add_payment_info
            skan_total_repetitive_active_pay_roas skan_cost_per_vta_conversion skan_cost_per_vta_app_install
            skan_cost_per_vta_registration skan_cost_per_vta_purchase skan_cost_per_cta_conversion
            skan_cost_per_cta_app_install skan_cost_per_cta_registration skan_cost_per_cta_purchase
        """,
    },
    "website_events": {
        "int": """
            complete_payment total_landing_page_view total_pageview button_click online_consult user_registration
            page_content_view_events web_event_add_to_cart on_web_order initiate_checkout add_billing
            page_event_search form download_start on_web_add_to_wishlist on_web_subscribe
            website_total_find_location website_total_schedule website_total_customize_product custom_page_events
            onsite_total_purchase onsite_unique_purchase onsite_total_checkout_initiation
            onsite_unique_checkout_initiation onsite_total_add_to_cart onsite_unique_add_to_cart
            onsite_total_product_details_page_view onsite_unique_first_launch_conversion_time
            onsite_unique_first_launch onsite_unique_non_first_launch onsite_total_non_first_launch
            onsite_unique_registration onsite_total_registration onsite_unique_ad_impression
            onsite_total_ad_impression onsite_add_to_wishlist onsite_add_billing onsite_form
            onsite_total_filtered_out_form_submission onsite_download_start onsite_destination_visits
            ix_page_view_count ix_button_click_count ix_product_click_count onsite_unique_subscribe
            onsite_total_subscribe native_growth_total_purchase_event_count native_growth_unique_purchase
            native_growth_purchase_event_count_d0 native_growth_active_by_conversion_time native_growth_active
            native_growth_unique_launch_app native_growth_total_launch_event_count
            native_growth_unique_ad_impression_event native_growth_total_ad_impression_event_count
            native_growth_ad_revenue_event_count_d0 native_growth_unique_subscribe_count
            native_growth_total_subscribe_event_count page_browse_view product_details_page_browse
        """,
        "float": """
            complete_payment_roas cost_per_complete_payment complete_payment_rate value_per_complete_payment
            total_complete_payment_rate cost_per_landing_page_view landing_page_view_rate cost_per_pageview
            pageview_rate avg_value_per_pageview total_value_per_pageview cost_per_button_click button_click_rate
            value_per_button_click total_button_click_value cost_per_online_consult online_consult_rate
            value_per_online_consult total_online_consult_value cost_per_user_registration user_registration_rate
            value_per_user_registration total_user_registration_value cost_per_page_content_view_event
            page_content_view_event_rate value_per_page_content_view_event total_page_view_content_events_value
            cost_per_web_event_add_to_cart web_event_add_to_cart_rate value_per_web_event_add_to_cart
            total_web_event_add_to_cart_value cost_per_on_web_order on_web_order_rate value_per_on_web_order
            total_on_web_order_value cost_per_initiate_checkout initiate_checkout_rate value_per_initiate_checkout
            total_initiate_checkout_value cost_per_add_billing add_billing_rate value_per_add_billing
            total_add_billing_value cost_per_page_event_search page_event_search_rate value_per_page_event_search
            total_page_event_search_value cost_per_form form_rate value_per_form total_form_value
            cost_per_download_start download_start_rate value_per_download_start total_download_start_value
            cost_per_on_web_add_to_wishlist on_web_add_to_wishlist_rate value_per_on_web_add_to_wishlist
            total_on_web_add_to_wishlist_value cost_per_on_web_subscribe on_web_subscribe_rate
            value_per_on_web_subscribe total_on_web_subscribe_value website_cost_per_find_location
            website_find_location_rate website_value_per_find_location website_total_find_location_value
            website_cost_per_schedule website_schedule_rate website_value_per_schedule website_total_schedule_value
            website_cost_per_customize_product website_customize_product_rate website_value_per_customize_product
            website_total_customize_product_value cost_per_custom_page_event custom_page_event_rate
            value_per_custom_page_event custom_page_events_value onsite_purchases_roas onsite_cost_per_purchase
            onsite_purchase_rate onsite_value_per_purchase onsite_total_purchase_value
            onsite_cost_per_unique_purchase onsite_total_purchase_value_day0 onsite_total_purchase_value_day6
            onsite_total_purchase_value_day13 onsite_total_purchase_value_calendar_day0
            onsite_total_purchase_value_calendar_day6 onsite_total_purchase_value_calendar_day13
            onsite_total_purchase_roas_day0 onsite_total_purchase_roas_day6 onsite_total_purchase_roas_day13
            onsite_total_purchase_roas_calendar_day0 onsite_total_purchase_roas_calendar_day6
            onsite_total_purchase_roas_calendar_day13 onsite_cost_per_checkout_initiation
            onsite_checkout_initiation_rate onsite_value_per_checkout_initiation
            onsite_total_checkout_initiation_value onsite_cost_per_unique_checkout_initiation
            onsite_cost_per_add_to_cart onsite_add_to_cart_rate onsite_value_per_add_to_cart
            onsite_total_add_to_cart_value onsite_cost_per_unique_add_to_cart
            onsite_cost_per_product_details_page_view onsite_product_details_page_view_rate
            onsite_value_per_product_details_page_view onsite_total_product_details_page_view_value
            onsite_cost_per_unique_first_launch_conversion_time onsite_cost_per_unique_first_launch
            onsite_cost_per_unique_non_first_launch onsite_launch_rate onsite_cost_per_non_first_launch
            onsite_cost_per_unique_registration onsite_registration_rate onsite_cost_per_registration
            onsite_cost_per_unique_ad_impression onsite_ad_impression_rate onsite_cost_per_ad_impression
            onsite_total_ad_impression_value onsite_value_per_ad_impression onsite_ad_impression_ad_revenue_day0
            onsite_ad_impression_ad_revenue_day6 onsite_ad_impression_ad_revenue_day13
            onsite_ad_impression_ad_revenue_calendar_day0 onsite_ad_impression_ad_revenue_calendar_day6
            onsite_ad_impression_ad_revenue_calendar_day13 onsite_ad_impression_ad_revenue_roas_day0
            onsite_ad_impression_ad_revenue_roas_day6 onsite_ad_impression_ad_revenue_roas_day13
            onsite_ad_impression_ad_revenue_roas_calendar_day0 onsite_ad_impression_ad_revenue_roas_calendar_day6
            onsite_ad_impression_ad_revenue_roas_calendar_day13 cost_per_onsite_add_to_wishlist
            onsite_add_to_wishlist_rate value_per_onsite_add_to_wishlist total_onsite_add_to_wishlist_value
            cost_per_onsite_add_billing onsite_add_billing_rate value_per_onsite_add_billing
            total_onsite_add_billing_value cost_per_onsite_form onsite_form_rate value_per_onsite_form
            total_onsite_form_value cost_per_onsite_download_start onsite_download_start_rate
            cost_per_onsite_destination_visit onsite_destination_visit_rate cost_per_ix_page_view_count
            ix_page_view_count_rate cost_per_ix_button_click_count ix_button_click_count_rate
            cost_per_ix_product_click_count ix_product_click_count_rate onsite_cost_per_unique_subscribe
            onsite_subscribe_rate onsite_cost_per_total_subscribe onsite_value_per_subscribe
            onsite_total_subscribe_value onsite_subscribe_value_day0 onsite_subscribe_value_day1
            onsite_subscribe_value_day2 onsite_subscribe_value_day3 onsite_subscribe_value_day4
            onsite_subscribe_value_day5 onsite_subscribe_value_day6 onsite_subscribe_value_day13
            onsite_subscribe_value_day20 onsite_subscribe_value_day27 onsite_subscribe_value_day29
            onsite_ad_impression_ad_revenue_roas native_growth_purchase_roas native_growth_cost_per_unique_purchase
            native_growth_cost_per_purchase native_growth_purchase_rate native_growth_value_per_purchase
            native_growth_total_purchase_value native_growth_purchase_value_d0 native_growth_purchase_value_d1
            native_growth_purchase_value_d2 native_growth_purchase_value_d3 native_growth_purchase_value_d4
            native_growth_purchase_value_d5 native_growth_purchase_value_d6 native_growth_purchase_value_d13
            native_growth_purchase_value_d20 native_growth_purchase_value_d27 native_growth_purchase_value_d29
            native_growth_purchase_value_d31 native_growth_purchase_roas_d0 native_growth_purchase_roas_d1
            native_growth_purchase_roas_d2 native_growth_purchase_roas_d3 native_growth_purchase_roas_d4
            native_growth_purchase_roas_d5 native_growth_purchase_roas_d6 native_growth_purchase_roas_d13
            native_growth_purchase_roas_d20 native_growth_purchase_roas_d27 native_growth_purchase_roas_d29
            native_growth_purchase_roas_d31 native_growth_cost_per_active_by_conversion_time
            native_growth_cost_per_active native_growth_cost_per_unique_launch_app native_growth_launch_rate
            native_growth_cost_per_launch_app native_growth_cost_per_unique_ad_impression_event
            native_growth_ad_impression_event_rate native_growth_cost_per_ad_impression_event
            native_growth_total_ad_impression_value native_growth_value_per_ad_impression_event
            native_growth_ad_revenue_roas native_growth_ad_revenue_value_d0 native_growth_ad_revenue_value_d1
            native_growth_ad_revenue_value_d2 native_growth_ad_revenue_value_d3 native_growth_ad_revenue_value_d4
            native_growth_ad_revenue_value_d5 native_growth_ad_revenue_value_d6 native_growth_ad_revenue_value_d13
            native_growth_ad_revenue_value_d20 native_growth_ad_revenue_value_d27 native_growth_ad_revenue_value_d29
            native_growth_ad_revenue_value_d31 native_growth_ad_revenue_roas_d0 native_growth_ad_revenue_roas_d1
            native_growth_ad_revenue_roas_d2 native_growth_ad_revenue_roas_d3 native_growth_ad_revenue_roas_d4
            native_growth_ad_revenue_roas_d5 native_growth_ad_revenue_roas_d6 native_growth_ad_revenue_roas_d13
            native_growth_ad_revenue_roas_d20 native_growth_ad_revenue_roas_d27 native_growth_ad_revenue_roas_d29
            native_growth_ad_revenue_roas_d31 native_growth_cost_per_unique_subscribe native_growth_subscribe_rate
            native_growth_cost_per_subscribe native_growth_value_per_subscribe native_growth_total_subscribe_value
            native_growth_subscribe_value_d0 native_growth_subscribe_value_d1 native_growth_subscribe_value_d2
            native_growth_subscribe_value_d3 native_growth_subscribe_value_d4 native_growth_subscribe_value_d5
            native_growth_subscribe_value_d6 native_growth_subscribe_value_d13 native_growth_subscribe_value_d20
            native_growth_subscribe_value_d27 native_growth_subscribe_value_d29 native_growth_subscribe_value_d31
            cost_per_page_browse_view page_browse_view_rate cost_per_product_details_page_browse
            product_details_page_browse_rate value_per_product_details_page_browse
            total_product_details_page_browse_value on_web_add_to_wishlist_per_click on_web_subscribe_per_click
            cost_per_ad_impression_event
        """,
    },
    "offline_events": {
        "int": """
            offline_total_crm_events offline_shopping_events offline_contact_events offline_subscribe_events
            offline_form_events offline_add_payment_info_events offline_add_to_cart_events
            offline_add_to_wishlist_events offline_click_button_events offline_registration_events
            offline_download_events offline_initiate_checkout_events offline_place_order_events
            offline_search_events offline_view_content_events offline_perferred_leads offline_total_find_location
            offline_total_schedule offline_total_customize_product offline_total_custom_events
            offline_complete_registration_events
        """,
        "float": """
            offline_cost_per_crm_event offline_crm_event_rate offline_value_per_crm_event offline_crm_event_value
            cost_per_offline_shopping_event offline_shopping_event_rate value_per_offline_shopping_event
            offline_shopping_events_value offline_shopping_events_roas cost_per_offline_contact_event
            offline_contact_event_rate value_per_offline_contact_event offline_contact_events_value
            cost_per_offline_subscribe_event offline_subscribe_event_rate value_per_offline_subscribe_event
            offline_subscribe_events_value cost_per_offline_form_event offline_form_event_rate
            value_per_offline_form_event offline_form_events_value cost_per_offline_add_payment_info_event
            offline_add_payment_info_event_rate value_per_offline_add_payment_info_event
            offline_add_payment_info_events_value cost_per_offline_add_to_cart_event offline_add_to_cart_event_rate
            value_per_offline_add_to_cart_event offline_add_to_cart_events_value
            cost_per_offline_add_to_wishlist_event offline_add_to_wishlist_event_rate
            value_per_offline_add_to_wishlist_event offline_add_to_wishlist_events_value
            cost_per_offline_click_button_event offline_click_button_event_rate value_per_offline_click_button_event
            offline_click_button_events_value cost_per_offline_registration_event offline_registration_event_rate
            value_per_offline_registration_event offline_registration_events_value cost_per_offline_download_event
            offline_download_event_rate value_per_offline_download_event offline_download_events_value
            cost_per_offline_initiate_checkout_event offline_initiate_checkout_event_rate
            value_per_offline_initiate_checkout_event offline_initiate_checkout_events_value
            cost_per_offline_place_order_event offline_place_order_event_rate value_per_offline_place_order_event
            offline_place_order_events_value cost_per_offline_search_event offline_search_event_rate
            value_per_offline_search_event offline_search_events_value cost_per_offline_view_content_event
            offline_view_content_event_rate value_per_offline_view_content_event offline_view_content_events_value
            offline_cost_per_preferred_lead offline_preferred_lead_rate offline_cost_per_find_location
            offline_find_location_rate offline_value_per_find_location offline_total_find_location_value
            offline_cost_per_schedule offline_schedule_rate offline_value_per_schedule offline_total_schedule_value
            offline_cost_per_customize_product offline_customize_product_rate offline_value_per_customize_product
            offline_total_customize_product_value offline_cost_per_custom_event offline_custom_event_rate
            offline_value_per_custom_event offline_total_custom_event_value
            cost_per_offline_complete_registration_event offline_complete_registration_event_rate
            value_per_offline_complete_registration_event offline_complete_registration_events_value
        """,
    },
}
