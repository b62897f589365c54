"""TikTok report metrics, part 1: attributes, delivery, video, engagement, LIVE, shop and attribution.

Transcribed into tables (group -> declared type -> names) from TikTok's API for Business reporting
docs (basic / audience report "Supported metrics" pages, the per-dimension metric tables, the
Upgraded Smart+ ad-level metric list) and the field types of ``bububa/tiktok-business``
(``model/report/metrics.go``, a translation of the same docs). See :mod:`.catalog` for the lookups.

Types: ``int`` counts; ``float`` money, ratios, percentages and averages; ``str`` attributes and
ids; ``bool`` flags. No import: the emulator reads these tables too.
"""

from __future__ import annotations

#: group -> {type: whitespace-separated metric names}; groups follow TikTok's doc sections.
METRIC_TABLES: dict[str, dict[str, str]] = {
    "attribute": {
        "int": """
            is_removed_from_spc
        """,
        "float": """
            campaign_budget budget bid bid_secondary_goal
        """,
        "str": """
            advertiser_name advertiser_id campaign_automation_type campaign_name campaign_id objective_type
            split_test campaign_dedicate_type app_promotion_type adgroup_name adgroup_id video_id file_name
            identity_id tiktok_item_id tiktok_name catalog_name catalog_modify_time placement_type promotion_type
            opt_status adgroup_download_url profile_image dpa_target_audience_type smart_target pricing_category
            billing_event bid_strategy aeo_type ad_name ad_id_v2 ad_id ad_text call_to_action ad_profile_image
            ad_url tt_app_id tt_app_name mobile_app_id image_mode currency timezone image_info ad_display_name
            identity_type
        """,
        "bool": """
            is_aco is_smart_creative
        """,
    },
    "core": {
        "int": """
            impressions gross_impressions clicks reach conversion real_time_conversion result real_time_result
            secondary_goal_result skan_result skan_conversion skan_click_time_conversion product_impressions
            product_clicks
        """,
        "float": """
            spend billed_cost cash_spend voucher_spend cpc cpm ctr cost_per_1000_reached frequency
            cost_per_conversion conversion_rate conversion_rate_v2 real_time_cost_per_conversion
            real_time_conversion_rate real_time_conversion_rate_v2 cost_per_result result_rate
            real_time_cost_per_result real_time_result_rate cost_per_secondary_goal_result
            secondary_goal_result_rate skan_cost_per_result skan_result_rate skan_cost_per_conversion
            skan_conversion_rate_v2 skan_conversion_rate skan_click_time_cost_per_conversion
            skan_click_time_conversion_rate product_cta
        """,
    },
    "video": {
        "int": """
            video_play_actions organic_video_views video_watched_2s video_watched_6s video_views_p25 video_views_p50
            video_views_p75 video_views_p100 engaged_view paid_engaged_view paid_engagement_engaged_view
            engaged_view_15s paid_engaged_view_15s paid_engagement_engaged_view_15s
        """,
        "float": """
            average_video_play average_video_play_per_user
        """,
    },
    "clicks": {
        "int": """
            engagements clicks_on_music_disc duet_clicks stitch_clicks sound_usage_clicks anchor_clicks
            clicks_on_hashtag_challenge
        """,
        "float": """
            engagement_rate anchor_click_rate
        """,
    },
    "social": {
        "int": """
            follows likes comments shares profile_visits tt_playlist_visit new_consideration_size
            earned_page_video_views earned_page_video_views_p100 earned_page_clicks
        """,
        "float": """
            profile_visits_rate tt_playlist_visit_rate cost_per_consideration new_consideration_rate
        """,
    },
    "live": {
        "int": """
            live_views live_unique_views live_effective_views live_product_clicks
        """,
    },
    "image": {
        "int": """
            single_image_impressions
        """,
        "float": """
            single_image_impression_rate single_image_ctr
        """,
    },
    "interactive": {
        "int": """
            interactive_add_on_impressions interactive_add_on_destination_clicks interactive_add_on_activity_clicks
            interactive_add_on_option_a_clicks interactive_add_on_option_b_clicks countdown_sticker_recall_clicks
        """,
    },
    "instant": {
        "int": """
            ix_video_views ix_video_views_p25 ix_video_views_p50 ix_video_views_p75 ix_video_views_p100
        """,
        "float": """
            ix_page_duration_avg ix_page_viewrate_avg ix_average_video_play
        """,
    },
    "playable": {
        "int": """
            playable_page_view_count playable_first_scene_view_count playable_second_scene_view_count
            playable_third_scene_view_count playable_download_button_click_count
        """,
    },
    "messaging": {
        "int": """
            messaging_total_conversation_tiktok_direct_message messaging_total_conversation_instant_messaging_app
        """,
        "float": """
            messaging_cost_per_conversation_tiktok_direct_message messaging_conversation_rate_tiktok_direct_message
            messaging_cost_per_conversation_instant_messaging_app messaging_conversation_rate_instant_messaging_app
        """,
    },
    "shop": {
        "int": """
            onsite_shopping shop_total_purchase_by_order_submission shop_total_items_purchased
            onsite_initiate_checkout_count onsite_on_web_detail onsite_on_web_cart
        """,
        "float": """
            onsite_shopping_roas cost_per_onsite_shopping onsite_shopping_rate value_per_onsite_shopping
            total_onsite_shopping_value shop_gross_revenue_by_order_submission
            cost_per_onsite_initiate_checkout_count onsite_initiate_checkout_count_rate
            value_per_onsite_initiate_checkout_count total_onsite_initiate_checkout_count_value
            cost_per_onsite_on_web_detail onsite_on_web_detail_rate value_per_onsite_on_web_detail
            total_onsite_on_web_detail_value cost_per_onsite_on_web_cart onsite_on_web_cart_rate
            value_per_onsite_on_web_cart total_onsite_on_web_cart_value
        """,
    },
    "attribution": {
        "int": """
            vta_conversion cta_conversion engaged_view_through_conversions vta_app_install cta_app_install
            evta_app_install vta_registration cta_registration evta_registration vta_purchase cta_purchase
            evta_purchase vta_complete_payment evta_payments_completed
        """,
        "float": """
            cost_per_vta_conversion cost_per_cta_conversion cost_per_engaged_view_through_conversion
            cost_per_vta_app_install cost_per_cta_app_install cost_per_evta_app_install cost_per_vta_registration
            cost_per_cta_registration cost_per_evta_registration cost_per_vta_purchase cost_per_cta_purchase
            cost_per_evta_purchase cost_per_vta_payments_completed cost_per_evta_payments_completed
            vta_complete_payment_value vta_complete_payment_roas
        """,
    },
}
