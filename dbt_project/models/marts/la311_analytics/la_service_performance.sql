-- How fast the city closes requests, by request type and by Neighborhood Council, per
-- month of creation. Times are those of requests closed as done (status closed); a
-- cancelled or referred request was not served, and is counted but not timed.
with requests as (

    select * from {{ ref('la_service_requests') }}

),

targets as (

    select service_code, target_hours from {{ ref('la311_service_targets') }}

),

timed as (

    select
        date_trunc('month', requests.created_at)::date                  as month,
        requests.service_code,
        requests.request_type,
        requests.council_id,
        requests.council_name,
        targets.target_hours,
        -- exact, not the mart's rounded hours: the percentiles are rounded once, at the end
        case when requests.status = 'closed' and requests.closed_at is not null
             then extract(epoch from requests.closed_at - requests.created_at) / 3600.0
        end                                                             as hours_to_close
    from requests
    left join targets using (service_code)

),

by_request_type as (

    select
        month,
        'request_type'                                                  as breakdown,
        service_code,
        min(request_type)                                               as request_type,
        null::integer                                                   as council_id,
        null::text                                                      as council_name,
        count(*)                                                        as requests,
        count(hours_to_close)                                           as closed_requests,
        percentile_cont(0.5) within group (order by hours_to_close)    as median_hours,
        percentile_cont(0.9) within group (order by hours_to_close)    as p90_hours,
        max(target_hours)                                               as target_hours,
        count(*) filter (where hours_to_close <= target_hours)         as closed_within_target
    from timed
    group by month, service_code

),

by_council as (

    select
        month,
        'council'                                                       as breakdown,
        null::text                                                      as service_code,
        null::text                                                      as request_type,
        council_id,
        min(council_name)                                               as council_name,
        count(*)                                                        as requests,
        count(hours_to_close)                                           as closed_requests,
        percentile_cont(0.5) within group (order by hours_to_close)    as median_hours,
        percentile_cont(0.9) within group (order by hours_to_close)    as p90_hours,
        -- each request against its own type's target
        null::integer                                                   as target_hours,
        count(*) filter (where hours_to_close <= target_hours)         as closed_within_target
    from timed
    where council_id is not null
    group by month, council_id

),

final as (

    select
        concat_ws('|', month, breakdown, service_code, council_id)      as performance_key,
        month,
        breakdown,
        service_code,
        request_type,
        council_id,
        council_name,
        requests,
        closed_requests,
        round(median_hours::numeric, 2)::double precision              as median_hours_to_close,
        round(p90_hours::numeric, 2)::double precision                 as p90_hours_to_close,
        target_hours,
        round(closed_within_target::numeric / nullif(closed_requests, 0), 4)::double precision
                                                                        as share_closed_within_target
    from (select * from by_request_type union all select * from by_council) as both_breakdowns

)

select * from final
