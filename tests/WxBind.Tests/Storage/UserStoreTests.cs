using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Storage;

public sealed class UserStoreTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    private static UserStore StoreOf(WxBindFactory app) =>
        new(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Database>(app.Services), app.Clock);

    private static User NewUser() => new()
    {
        Email = $"s{Guid.NewGuid():N}@example.com",
        DisplayName = "Store",
        PasswordHash = "hash",
    };

    [Theory, MemberData(nameof(Providers))]
    public async Task CreatedUserIsFoundByIdAndEmailWithAllFields(StorageProvider provider)
    {
        var store = StoreOf(await apps.GetAsync(provider));
        var user = NewUser();
        user.NormalizedEmail = user.Email.ToUpperInvariant();
        user.LockoutEndAt = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

        Assert.True((await store.CreateAsync(user, default)).Succeeded);
        var byId = await store.FindByIdAsync(user.Id, default);
        var byEmail = await store.FindByEmailAsync(user.NormalizedEmail, default);

        Assert.NotNull(byId);
        Assert.Equal(user.Email, byId.Email);
        Assert.Equal(user.LockoutEndAt, byId.LockoutEndAt);
        Assert.True(byId.LockoutEnabled);
        Assert.Equal(user.CreatedAt, byId.CreatedAt);
        Assert.Equal(user.Id, byEmail?.Id);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task SecondUserWithTheSameEmailIsRefused(StorageProvider provider)
    {
        var store = StoreOf(await apps.GetAsync(provider));
        var first = NewUser();
        first.NormalizedEmail = first.Email.ToUpperInvariant();
        var second = NewUser();
        second.Email = first.Email;
        second.NormalizedEmail = first.NormalizedEmail;

        Assert.True((await store.CreateAsync(first, default)).Succeeded);
        var result = await store.CreateAsync(second, default);

        Assert.False(result.Succeeded);
        Assert.Null(await store.FindByIdAsync(second.Id, default));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task StaleUpdateIsRefusedByTheConcurrencyStamp(StorageProvider provider)
    {
        var store = StoreOf(await apps.GetAsync(provider));
        var user = NewUser();
        user.NormalizedEmail = user.Email.ToUpperInvariant();
        await store.CreateAsync(user, default);
        var copyA = (await store.FindByIdAsync(user.Id, default))!;
        var copyB = (await store.FindByIdAsync(user.Id, default))!;

        copyA.DisplayName = "A";
        Assert.True((await store.UpdateAsync(copyA, default)).Succeeded);
        copyB.DisplayName = "B";
        Assert.False((await store.UpdateAsync(copyB, default)).Succeeded);

        Assert.Equal("A", (await store.FindByIdAsync(user.Id, default))!.DisplayName);
    }
}
