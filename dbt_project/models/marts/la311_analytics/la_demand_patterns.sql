-- When and how requests reach the city: every hour of the week (zeros included, for a
-- heat map), each channel, and the trend by month and by day of creation.
with requests as (

    select created_at, channel from {{ ref('la_service_requests') }}

),

total as (

    select count(*) as requests from requests

),

week_grid as (

    select day_of_week, hour_of_day
    from generate_series(1, 7) as day_of_week
    cross join generate_series(0, 23) as hour_of_day

),

hour_of_week as (

    select
        'hour_of_week'                                                  as pattern,
        week_grid.day_of_week,
        week_grid.hour_of_day,
        null::text                                                      as channel,
        null::date                                                      as period_start,
        count(requests.created_at)                                      as requests
    from week_grid
    left join requests
        on extract(isodow from requests.created_at) = week_grid.day_of_week
       and extract(hour from requests.created_at) = week_grid.hour_of_day
    group by week_grid.day_of_week, week_grid.hour_of_day

),

by_channel as (

    select 'channel', null::integer, null::integer, channel, null::date, count(*)
    from requests
    group by channel

),

by_month as (

    select 'month', null::integer, null::integer, null::text,
           date_trunc('month', created_at)::date, count(*)
    from requests
    group by date_trunc('month', created_at)

),

by_day as (

    select 'day', null::integer, null::integer, null::text, created_at::date, count(*)
    from requests
    group by created_at::date

),

patterns as (

    select * from hour_of_week
    union all select * from by_channel
    union all select * from by_month
    union all select * from by_day

),

final as (

    select
        concat_ws('|', patterns.pattern, patterns.day_of_week, patterns.hour_of_day,
                  patterns.channel, patterns.period_start)             as pattern_key,
        patterns.pattern,
        patterns.day_of_week,
        case patterns.day_of_week
            when 1 then 'Monday' when 2 then 'Tuesday' when 3 then 'Wednesday'
            when 4 then 'Thursday' when 5 then 'Friday' when 6 then 'Saturday'
            when 7 then 'Sunday' end                                    as day_name,
        patterns.hour_of_day,
        patterns.channel,
        patterns.period_start,
        patterns.requests,
        round(patterns.requests::numeric / nullif(total.requests, 0), 4)::double precision
                                                                        as share_of_requests
    from patterns
    cross join total

)

select * from final
