/** The ApplicationFailure type of something a channel refused for good (its reason is readable for an agent). */
export const deliveryRefusedError = 'DeliveryRefused';
