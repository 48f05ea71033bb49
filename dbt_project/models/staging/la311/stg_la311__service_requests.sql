with source as (

    select * from {{ source('la311', 'la_service_requests') }}

),

renamed as (

    select
        trim(sr_number)                                             as request_id,
        {{ parse_us_datetime('created_date') }}                     as created_at,
        {{ parse_us_datetime('updated_date') }}                     as updated_at,
        {{ parse_us_datetime('service_date') }}                     as service_date,
        {{ parse_us_datetime('closed_date') }}                      as closed_at_recorded,
        -- statuses and channels as codes: "Referred Out" → referred_out
        lower(regexp_replace(trim(status), '[^A-Za-z0-9]+', '_', 'g'))
                                                                    as status,
        trim(request_type)                                          as request_type,
        trim(both '_' from lower(regexp_replace(trim(request_type), '[^A-Za-z0-9]+', '_', 'g')))
                                                                    as service_code,
        case lower(trim(request_source))
            when 'call' then 'phone'
            else trim(both '_' from lower(
                regexp_replace(replace(trim(request_source), '''', ''), '[^A-Za-z0-9]+', '_', 'g')))
        end                                                         as channel,
        nullif(trim(owner), '')                                     as agency,
        nullif(trim(assign_to), '')                                 as assigned_to,
        nullif(trim(address), '')                                   as address,
        nullif(trim(zip_code), '')                                  as zip_code,
        nullif(trim(latitude), '')::double precision                as latitude,
        nullif(trim(longitude), '')::double precision               as longitude,
        nullif(trim(cd), '')::integer                               as council_district,
        nullif(trim(nc), '')::integer                               as reported_council_id,
        nullif(trim(nc_name), '')                                   as reported_council_name,
        nullif(trim(police_precinct), '')                           as police_division,
        nullif(trim(apc), '')                                       as planning_area

    from source

),

deduplicated as (

    -- an export may repeat a request; keep its latest update
    select distinct on (request_id) *
    from renamed
    order by request_id, updated_at desc nulls last

)

select * from deduplicated
