{#- The spatial join of requests to councils agrees with the council the city recorded
    (`reported_council_id`) for at least `minimum_share` of the requests that have both:
    one row (the shares) when it does not. -#}
{% test council_join_agreement(model, minimum_share) %}
    with compared as (
        select count(*) filter (where council_id = reported_council_id) as agreeing,
               count(*) as compared
        from {{ model }}
        where council_id is not null and reported_council_id is not null
    )
    select agreeing, compared, agreeing::numeric / nullif(compared, 0) as share
    from compared
    where compared = 0 or agreeing::numeric / compared < {{ minimum_share }}
{% endtest %}
