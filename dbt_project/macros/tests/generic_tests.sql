{#- Generic tests the platform's marts use (dbt_utils is not fetched: dbt runs offline). -#}

{#- No row where `column_name` comes before `other` (e.g. closed_at before created_at). -#}
{% test not_before(model, column_name, other) %}
    select {{ column_name }}, {{ other }} from {{ model }}
    where {{ column_name }} < {{ other }}
{% endtest %}

{#- Every value between `min_value` and `max_value` (inclusive; either may be omitted). -#}
{% test between(model, column_name, min_value=none, max_value=none) %}
    select {{ column_name }} from {{ model }}
    where {{ column_name }} is not null and (
        false
        {% if min_value is not none %} or {{ column_name }} < {{ min_value }} {% endif %}
        {% if max_value is not none %} or {{ column_name }} > {{ max_value }} {% endif %}
    )
{% endtest %}

{#- The grain: no two rows share the same values of `columns` (nulls compare equal). -#}
{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as rows_with_this_key
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
