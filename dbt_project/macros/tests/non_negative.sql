{#- A generic test: no negative values (without pulling dbt_utils from the network). -#}
{% test non_negative(model, column_name) %}
    select {{ column_name }} from {{ model }} where {{ column_name }} < 0
{% endtest %}
