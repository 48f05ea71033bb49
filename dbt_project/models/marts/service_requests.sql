with requests as (

    select * from {{ ref('stg_311__service_requests') }}

),

final as (

    select
        *,
        case
            when closed_at is not null
            then round((extract(epoch from closed_at - created_at) / 3600.0)::numeric, 2)::double precision
        end as response_time_hours
    from requests

)

select * from final
