with requests as (

    select * from {{ ref('stg_la311__service_requests') }}

),

request_councils as (

    select * from {{ ref('stg_la311__request_councils') }}

),

councils as (

    select council_id, council_name from {{ ref('neighbourhoods') }}

),

final as (

    select
        requests.request_id,
        requests.created_at,
        requests.updated_at,
        requests.service_date,
        -- a closing recorded before the creation is a data error: no closing time then
        case when requests.closed_at_recorded >= requests.created_at
             then requests.closed_at_recorded end                      as closed_at,
        coalesce(requests.closed_at_recorded < requests.created_at, false)
                                                                        as closure_recorded_before_creation,
        requests.status,
        requests.request_type,
        requests.service_code,
        requests.channel,
        requests.agency,
        requests.assigned_to,
        request_councils.council_id,
        councils.council_name,
        requests.reported_council_id,
        requests.council_district,
        requests.police_division,
        requests.planning_area,
        case when requests.closed_at_recorded >= requests.created_at
             then round((extract(epoch from requests.closed_at_recorded - requests.created_at)
                         / 3600.0)::numeric, 2)::double precision end  as hours_to_close,
        -- not published (the anonymization policy drops them): for the pipeline only
        requests.address,
        requests.zip_code,
        requests.latitude,
        requests.longitude

    from requests
    left join request_councils using (request_id)
    left join councils using (council_id)

)

select * from final
