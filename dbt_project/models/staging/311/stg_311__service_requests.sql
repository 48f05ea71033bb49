with source as (

    select * from {{ source('311', 'service_requests') }}

),

renamed as (

    select
        trim(request_id)                                  as request_id,
        nullif(trim(created_at), '')::timestamp           as created_at,
        nullif(trim(closed_at), '')::timestamp            as closed_at,
        lower(replace(trim(status), ' ', '_'))            as status,
        trim(request_type)                                as request_type,
        trim(department)                                  as department,
        lower(replace(trim(channel), ' ', '_'))           as channel,
        nullif(trim(description), '')                     as description,
        nullif(trim(requester_name), '')                  as requester_name,
        nullif(trim(requester_phone), '')                 as requester_phone,
        nullif(lower(trim(requester_email)), '')          as requester_email,
        nullif(trim(street_address), '')                  as street_address,
        nullif(upper(trim(postal_code)), '')              as postal_code,
        nullif(trim(latitude), '')::double precision      as latitude,
        nullif(trim(longitude), '')::double precision     as longitude,
        nullif(trim(neighbourhood), '')                   as neighbourhood,
        nullif(trim(requester_age), '')::integer          as requester_age

    from source

),

deduplicated as (

    -- exports repeat rows; keep one row per request id
    select distinct on (request_id) *
    from renamed
    order by request_id, created_at

)

select * from deduplicated
